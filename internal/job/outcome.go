package job

import (
	"errors"
	"slices"
	"strings"
	"sync"
)

// Outcome is how an attempt of a job ended, as a runner counts it for
// /metrics: an operator sees retries and failures per kind at once, and
// the steps whose work was no longer wanted (Skip), which otherwise look
// like work done.
type Outcome string

// The outcomes of an attempt.
const (
	OutcomeDone    Outcome = "done"
	OutcomeSkipped Outcome = "skipped"
	OutcomeRetry   Outcome = "retry"
	OutcomeFailed  Outcome = "failed"
)

type skipped struct{ reason string }

func (s skipped) Error() string { return "skipped: " + s.reason }

// Skip is what a handler returns when the job has nothing left to do
// (a step's notification when the order has moved on since): the job is
// done, and the runner counts and logs it as skipped, with reason.
func Skip(reason string) error { return skipped{reason} }

// IsSkip tells whether err came from Skip.
func IsSkip(err error) bool {
	var s skipped
	return errors.As(err, &s)
}

// outcomeOf is what becomes of a job whose attempt ended with err.
func outcomeOf(j *Job, err error) Outcome {
	switch {
	case err == nil:
		return OutcomeDone
	case IsSkip(err):
		return OutcomeSkipped
	case IsPermanent(err) || j.Attempts >= j.MaxAttempts:
		return OutcomeFailed
	default:
		return OutcomeRetry
	}
}

// Finished is how many attempts of a kind of job ended with an outcome
// in this process since it started.
type Finished struct {
	Kind    string
	Outcome Outcome
	Count   uint64
}

type outcomeKey struct {
	kind    string
	outcome Outcome
}

// tally counts finished attempts by kind and outcome.
type tally struct {
	mu sync.Mutex
	n  map[outcomeKey]uint64
}

func (t *tally) add(kind string, o Outcome) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = make(map[outcomeKey]uint64)
	}
	t.n[outcomeKey{kind, o}]++
}

// Finished are the attempts this runner finished, by kind and outcome,
// sorted.
func (r *Runner) Finished() []Finished {
	r.outcomes.mu.Lock()
	out := make([]Finished, 0, len(r.outcomes.n))
	for k, n := range r.outcomes.n {
		out = append(out, Finished{Kind: k.kind, Outcome: k.outcome, Count: n})
	}
	r.outcomes.mu.Unlock()
	slices.SortFunc(out, func(a, b Finished) int {
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(string(a.Outcome), string(b.Outcome))
	})
	return out
}
