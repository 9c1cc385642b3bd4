package config

import (
	"testing"
	"time"
)

// The login retention is 30 days unless COOPSHOP_LOGIN_RETENTION_DAYS
// says otherwise; nonsense is refused at start.
func TestLoginRetention(t *testing.T) {
	if got := Default().LoginRetention; got != 30*24*time.Hour {
		t.Errorf("default %v", got)
	}
	t.Setenv("COOPSHOP_LOGIN_RETENTION_DAYS", "7")
	c, err := FromEnv()
	if err != nil || c.LoginRetention != 7*24*time.Hour {
		t.Errorf("7 days: %v %v", c.LoginRetention, err)
	}
	for _, bad := range []string{"0", "-3", "30d", "x"} {
		t.Setenv("COOPSHOP_LOGIN_RETENTION_DAYS", bad)
		if _, err := FromEnv(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
