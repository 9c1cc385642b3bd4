package app

import (
	"errors"
	"net"
	"sync"
	"time"
)

// handoff passes the connections of one listener to one server after the
// other: first to the answer given while migrating, then to the program.
// A connection accepted while neither accepts waits for the next; none is
// refused. Each server gets a stage, a net.Listener whose Close ends that
// server's accept loop without closing the real listener; the last
// stage's Close closes it.
type handoff struct {
	ln    net.Listener
	conns chan net.Conn
	quit  chan struct{}
	once  sync.Once
	// dead is closed when the real listener failed; err says why.
	dead chan struct{}
	err  error
}

func newHandoff(ln net.Listener) *handoff {
	h := &handoff{ln: ln, conns: make(chan net.Conn), quit: make(chan struct{}), dead: make(chan struct{})}
	go h.accept()
	return h
}

// accept forwards every connection to whichever stage accepts next.
// Failures other than a closed listener (out of file descriptors) are
// retried after a pause, as net/http does.
func (h *handoff) accept() {
	defer close(h.dead)
	for {
		c, err := h.ln.Accept()
		if err != nil {
			select {
			case <-h.quit:
				h.err = net.ErrClosed
				return
			default:
			}
			if !errors.Is(err, net.ErrClosed) {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			h.err = err
			return
		}
		select {
		case h.conns <- c:
		case <-h.quit:
			c.Close()
			h.err = net.ErrClosed
			return
		}
	}
}

// close closes the real listener for good.
func (h *handoff) close() error {
	var err error
	h.once.Do(func() {
		close(h.quit)
		err = h.ln.Close()
	})
	return err
}

// stage is one server's view of the listener. last marks the program's,
// whose Close closes the real listener.
func (h *handoff) stage(last bool) *stage {
	return &stage{h: h, last: last, done: make(chan struct{})}
}

type stage struct {
	h    *handoff
	last bool
	done chan struct{}
	once sync.Once
}

// Accept is the next connection, or net.ErrClosed once this stage (or the
// real listener) is closed.
func (s *stage) Accept() (net.Conn, error) {
	select {
	case <-s.done:
		return nil, net.ErrClosed
	default:
	}
	select {
	case c := <-s.h.conns:
		return c, nil
	case <-s.done:
		return nil, net.ErrClosed
	case <-s.h.dead:
		return nil, s.h.err
	}
}

// Close ends this stage; the program's stage closes the real listener.
func (s *stage) Close() error {
	s.once.Do(func() { close(s.done) })
	if s.last {
		return s.h.close()
	}
	return nil
}

// Addr is the real listener's address.
func (s *stage) Addr() net.Addr { return s.h.ln.Addr() }
