package web

import (
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
)

// today is the day prices and contract validity are judged by: the day of
// the server's clock in Berlin, so that tests can fix it.
func (s *Server) today() calendar.Date { return clock.Today(s.Clock) }
