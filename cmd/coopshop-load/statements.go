package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"coopshop/internal/db"
)

// The statements a phase sent, requests and the jobs they caused alike,
// per flow and by their shape: where the database's time goes, without
// pg_stat_statements (which needs a restart of PostgreSQL to load).

var (
	literal = regexp.MustCompile(`'(?:[^']|'')*'|\b\d+\b|\$\d+|\?\d*`)
	spaces  = regexp.MustCompile(`\s+`)
)

// shape is a statement with its values left out, cut to a line.
func shape(q string) string {
	s := spaces.ReplaceAllString(literal.ReplaceAllString(q, "?"), " ")
	s = strings.TrimSpace(s)
	if len(s) > 110 {
		s = s[:110] + "…"
	}
	return s
}

// printStatements writes how many statements c counted per unit (a flow,
// a request) and the shapes sent most often.
func printStatements(out io.Writer, c *db.StatementCounter, units int, unit string, top int) {
	if units == 0 {
		return
	}
	stmts := c.Statements()
	byShape := map[string]int{}
	for _, q := range stmts {
		byShape[shape(q)]++
	}
	shapes := make([]string, 0, len(byShape))
	for s := range byShape {
		shapes = append(shapes, s)
	}
	sort.Slice(shapes, func(i, j int) bool {
		if byShape[shapes[i]] != byShape[shapes[j]] {
			return byShape[shapes[i]] > byShape[shapes[j]]
		}
		return shapes[i] < shapes[j]
	})
	fmt.Fprintf(out, "statements: %.1f per %s (%d in all, jobs included), most sent:\n", float64(len(stmts))/float64(units), unit, len(stmts))
	for i, s := range shapes {
		if i == top {
			break
		}
		fmt.Fprintf(out, "  %6.2f  %s\n", float64(byShape[s])/float64(units), s)
	}
}
