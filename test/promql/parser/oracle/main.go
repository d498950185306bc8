// Command oracle runs Prometheus's own PromQL parser (v3.14) over queries read from stdin and
// prints, per query, a JSON line describing the result: the AST (with byte positions), the
// String() and Pretty() renderings, the /api/v1/parse_query translation, or the parse errors.
// It exists only to generate golden fixtures for Vigil's TypeScript parser tests.
//
// Input: one JSON object per line: {"q": "...", "mode": "expr"|"selector"|"series", "opts": "all"|"none"}.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql/parser"
)

type input struct {
	Q    string `json:"q"`
	Mode string `json:"mode"`
	Opts string `json:"opts"`
}

type perr struct {
	Start int    `json:"s"`
	End   int    `json:"e"`
	Msg   string `json:"m"`
}

type output struct {
	Q      string `json:"q"`
	Mode   string `json:"mode,omitempty"`
	Opts   string `json:"opts,omitempty"`
	Error  string `json:"error,omitempty"`
	Errors []perr `json:"errors,omitempty"`
	AST    any    `json:"ast,omitempty"`
	String string `json:"string,omitempty"`
	Pretty string `json:"pretty,omitempty"`
	JSON   any    `json:"json,omitempty"`
	Panic  string `json:"panic,omitempty"`
	// Series descriptions.
	Labels map[string]string `json:"labels,omitempty"`
	Values []any             `json:"values,omitempty"`
	// Metric selectors.
	Matchers []any `json:"matchers,omitempty"`
}

func fmtFloat(f float64) string {
	if math.IsNaN(f) {
		if math.Float64bits(f) == value.StaleNaN {
			return "stale"
		}
		return "NaN"
	}
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	if math.IsInf(f, -1) {
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func pr(n parser.Node) [2]int {
	r := n.PositionRange()
	return [2]int{int(r.Start), int(r.End)}
}

func itemStr(t parser.ItemType) string { return t.String() }

func dump(n parser.Node) any {
	if n == nil {
		return nil
	}
	switch e := n.(type) {
	case *parser.NumberLiteral:
		return map[string]any{"k": "num", "v": fmtFloat(e.Val), "dur": e.Duration, "pos": pr(e)}
	case *parser.StringLiteral:
		return map[string]any{"k": "str", "v": e.Val, "pos": pr(e)}
	case *parser.VectorSelector:
		ms := []any{}
		for _, m := range e.LabelMatchers {
			if m == nil {
				ms = append(ms, nil)
				continue
			}
			ms = append(ms, []string{m.Type.String(), m.Name, m.Value})
		}
		var ts any
		if e.Timestamp != nil {
			ts = *e.Timestamp
		}
		var se any
		if e.StartOrEnd != 0 {
			se = itemStr(e.StartOrEnd)
		}
		var offx any
		if e.OriginalOffsetExpr != nil {
			offx = dump(e.OriginalOffsetExpr)
		}
		return map[string]any{"k": "vs", "name": e.Name, "m": ms, "off": e.OriginalOffset.Nanoseconds(), "offx": offx,
			"ts": ts, "se": se, "anch": e.Anchored, "smooth": e.Smoothed, "bypass": e.BypassEmptyMatcherCheck, "pos": pr(e)}
	case *parser.MatrixSelector:
		var rx any
		if e.RangeExpr != nil {
			rx = dump(e.RangeExpr)
		}
		return map[string]any{"k": "ms", "vs": dump(e.VectorSelector), "range": e.Range.Nanoseconds(), "rx": rx, "pos": pr(e)}
	case *parser.SubqueryExpr:
		var ts any
		if e.Timestamp != nil {
			ts = *e.Timestamp
		}
		var se any
		if e.StartOrEnd != 0 {
			se = itemStr(e.StartOrEnd)
		}
		var rx, sx, offx any
		if e.RangeExpr != nil {
			rx = dump(e.RangeExpr)
		}
		if e.StepExpr != nil {
			sx = dump(e.StepExpr)
		}
		if e.OriginalOffsetExpr != nil {
			offx = dump(e.OriginalOffsetExpr)
		}
		return map[string]any{"k": "sq", "e": dump(e.Expr), "range": e.Range.Nanoseconds(), "rx": rx, "step": e.Step.Nanoseconds(), "sx": sx,
			"off": e.OriginalOffset.Nanoseconds(), "offx": offx, "ts": ts, "se": se, "pos": pr(e)}
	case *parser.ParenExpr:
		return map[string]any{"k": "paren", "e": dump(e.Expr), "pos": pr(e)}
	case *parser.UnaryExpr:
		return map[string]any{"k": "un", "op": itemStr(e.Op), "e": dump(e.Expr), "pos": pr(e)}
	case *parser.BinaryExpr:
		var vm any
		if m := e.VectorMatching; m != nil {
			var fl, fr any
			if m.FillValues.LHS != nil {
				fl = fmtFloat(*m.FillValues.LHS)
			}
			if m.FillValues.RHS != nil {
				fr = fmtFloat(*m.FillValues.RHS)
			}
			vm = map[string]any{"card": m.Card.String(), "labels": m.MatchingLabels, "on": m.On, "include": m.Include, "fl": fl, "fr": fr}
		}
		return map[string]any{"k": "bin", "op": itemStr(e.Op), "l": dump(e.LHS), "r": dump(e.RHS), "bool": e.ReturnBool, "vm": vm, "pos": pr(e)}
	case *parser.AggregateExpr:
		return map[string]any{"k": "agg", "op": itemStr(e.Op), "e": dump(e.Expr), "p": dump(e.Param), "g": e.Grouping, "without": e.Without, "pos": pr(e)}
	case *parser.Call:
		args := []any{}
		for _, a := range e.Args {
			args = append(args, dump(a))
		}
		name := ""
		if e.Func != nil {
			name = e.Func.Name
		}
		return map[string]any{"k": "call", "f": name, "args": args, "pos": pr(e)}
	case *parser.DurationExpr:
		if e == nil {
			return nil
		}
		var l, r any
		if e.LHS != nil {
			l = dump(e.LHS)
		}
		if e.RHS != nil {
			r = dump(e.RHS)
		}
		return map[string]any{"k": "dur", "op": itemStr(e.Op), "l": l, "r": r, "wrapped": e.Wrapped, "pos": pr(e)}
	case *parser.StepInvariantExpr:
		return map[string]any{"k": "si", "e": dump(e.Expr)}
	}
	return map[string]any{"k": fmt.Sprintf("%T", n)}
}

// translate renders the /api/v1/parse_query shape (web/api/v1 translateAST).
func translate(n parser.Expr) any {
	if n == nil {
		return nil
	}
	matchers := func(in []*labels.Matcher) any {
		out := []any{}
		for _, m := range in {
			out = append(out, map[string]any{"name": m.Name, "value": m.Value, "type": m.Type.String()})
		}
		return out
	}
	startOrEnd := func(t parser.ItemType) any {
		if t == 0 {
			return nil
		}
		return t.String()
	}
	var durx func(e parser.Expr) any
	durx = func(e parser.Expr) any {
		switch d := e.(type) {
		case *parser.DurationExpr:
			if d == nil {
				return nil
			}
			return map[string]any{"type": "durationExpr", "op": d.Op.String(), "lhs": durx(d.LHS), "rhs": durx(d.RHS), "wrapped": d.Wrapped}
		case *parser.NumberLiteral:
			if d == nil {
				return nil
			}
			return map[string]any{"type": "numberLiteral", "val": strconv.FormatFloat(d.Val, 'f', -1, 64), "duration": d.Duration}
		case nil:
			return nil
		default:
			return translate(d)
		}
	}
	list := func(l []string) []string {
		if l == nil {
			return []string{}
		}
		return l
	}
	switch e := n.(type) {
	case *parser.AggregateExpr:
		return map[string]any{"type": "aggregation", "op": e.Op.String(), "expr": translate(e.Expr), "param": translate(e.Param), "grouping": list(e.Grouping), "without": e.Without}
	case *parser.BinaryExpr:
		var matching any
		if m := e.VectorMatching; m != nil {
			matching = map[string]any{"card": m.Card.String(), "labels": list(m.MatchingLabels), "on": m.On, "include": list(m.Include),
				"fillValues": map[string]*float64{"lhs": m.FillValues.LHS, "rhs": m.FillValues.RHS}}
		}
		return map[string]any{"type": "binaryExpr", "op": e.Op.String(), "lhs": translate(e.LHS), "rhs": translate(e.RHS), "matching": matching, "bool": e.ReturnBool}
	case *parser.Call:
		args := []any{}
		for _, a := range e.Args {
			args = append(args, translate(a))
		}
		return map[string]any{"type": "call", "func": map[string]any{"name": e.Func.Name, "argTypes": e.Func.ArgTypes, "variadic": e.Func.Variadic, "returnType": e.Func.ReturnType}, "args": args}
	case *parser.MatrixSelector:
		vs := e.VectorSelector.(*parser.VectorSelector)
		var rx any
		if e.RangeExpr != nil {
			rx = durx(e.RangeExpr)
		}
		var ox any
		if vs.OriginalOffsetExpr != nil {
			ox = durx(vs.OriginalOffsetExpr)
		}
		return map[string]any{"type": "matrixSelector", "name": vs.Name, "range": e.Range.Milliseconds(), "rangeExpr": rx, "offset": vs.OriginalOffset.Milliseconds(), "offsetExpr": ox,
			"matchers": matchers(vs.LabelMatchers), "timestamp": vs.Timestamp, "startOrEnd": startOrEnd(vs.StartOrEnd), "anchored": vs.Anchored, "smoothed": vs.Smoothed}
	case *parser.SubqueryExpr:
		var rx, sx, ox any
		if e.RangeExpr != nil {
			rx = durx(e.RangeExpr)
		}
		if e.StepExpr != nil {
			sx = durx(e.StepExpr)
		}
		if e.OriginalOffsetExpr != nil {
			ox = durx(e.OriginalOffsetExpr)
		}
		return map[string]any{"type": "subquery", "expr": translate(e.Expr), "range": e.Range.Milliseconds(), "rangeExpr": rx, "offset": e.OriginalOffset.Milliseconds(), "offsetExpr": ox,
			"step": e.Step.Milliseconds(), "stepExpr": sx, "timestamp": e.Timestamp, "startOrEnd": startOrEnd(e.StartOrEnd)}
	case *parser.DurationExpr:
		return durx(e)
	case *parser.NumberLiteral:
		return map[string]string{"type": "numberLiteral", "val": strconv.FormatFloat(e.Val, 'f', -1, 64)}
	case *parser.ParenExpr:
		return map[string]any{"type": "parenExpr", "expr": translate(e.Expr)}
	case *parser.StringLiteral:
		return map[string]any{"type": "stringLiteral", "val": e.Val}
	case *parser.UnaryExpr:
		return map[string]any{"type": "unaryExpr", "op": e.Op.String(), "expr": translate(e.Expr)}
	case *parser.VectorSelector:
		var ox any
		if e.OriginalOffsetExpr != nil {
			ox = durx(e.OriginalOffsetExpr)
		}
		return map[string]any{"type": "vectorSelector", "name": e.Name, "offset": e.OriginalOffset.Milliseconds(), "offsetExpr": ox, "matchers": matchers(e.LabelMatchers),
			"timestamp": e.Timestamp, "startOrEnd": startOrEnd(e.StartOrEnd), "anchored": e.Anchored, "smoothed": e.Smoothed}
	}
	return map[string]any{"type": fmt.Sprintf("unsupported %T", n)}
}

func errs(err error, out *output) {
	out.Error = err.Error()
	var pe parser.ParseErrors
	if errors.As(err, &pe) {
		for _, e := range pe {
			out.Errors = append(out.Errors, perr{int(e.PositionRange.Start), int(e.PositionRange.End), e.Err.Error()})
		}
	}
}

func hist(h *histogram.FloatHistogram, hintSet bool) any {
	spans := func(ss []histogram.Span) [][2]int64 {
		out := [][2]int64{}
		for _, s := range ss {
			out = append(out, [2]int64{int64(s.Offset), int64(s.Length)})
		}
		return out
	}
	fl := func(fs []float64) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, fmtFloat(f))
		}
		return out
	}
	hints := map[histogram.CounterResetHint]string{histogram.UnknownCounterReset: "unknown", histogram.CounterReset: "reset", histogram.NotCounterReset: "not_reset", histogram.GaugeType: "gauge"}
	return map[string]any{"schema": h.Schema, "zt": fmtFloat(h.ZeroThreshold), "zc": fmtFloat(h.ZeroCount), "count": fmtFloat(h.Count), "sum": fmtFloat(h.Sum),
		"ps": spans(h.PositiveSpans), "pb": fl(h.PositiveBuckets), "ns": spans(h.NegativeSpans), "nb": fl(h.NegativeBuckets), "cv": fl(h.CustomValues), "hint": hints[h.CounterResetHint], "hintSet": hintSet}
}

func run(in input, p parser.Parser) (out output) {
	out = output{Q: in.Q, Mode: in.Mode, Opts: in.Opts}
	defer func() {
		if r := recover(); r != nil {
			out.Panic = fmt.Sprint(r)
		}
	}()
	switch in.Mode {
	case "selector":
		ms, err := p.ParseMetricSelector(in.Q)
		if err != nil {
			errs(err, &out)
			return out
		}
		out.Matchers = []any{}
		for _, m := range ms {
			out.Matchers = append(out.Matchers, []string{m.Type.String(), m.Name, m.Value})
		}
	case "series":
		lbls, vals, err := p.ParseSeriesDesc(in.Q)
		if err != nil {
			errs(err, &out)
			return out
		}
		out.Labels = lbls.Map()
		out.Values = []any{}
		for _, v := range vals {
			switch {
			case v.Omitted:
				out.Values = append(out.Values, "_")
			case v.Histogram != nil:
				out.Values = append(out.Values, hist(v.Histogram, v.CounterResetHintSet))
			default:
				out.Values = append(out.Values, fmtFloat(v.Value))
			}
		}
	default:
		e, err := p.ParseExpr(in.Q)
		if err != nil {
			errs(err, &out)
			return out
		}
		out.AST = dump(e)
		out.String = e.String()
		out.Pretty = e.Pretty(0)
		out.JSON = translate(e)
	}
	return out
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-functions" {
		// Print the function signature table, one JSON object per function, in name order.
		names := make([]string, 0, len(parser.Functions))
		for n := range parser.Functions {
			names = append(names, n)
		}
		sort.Strings(names)
		enc := json.NewEncoder(os.Stdout)
		for _, n := range names {
			f := parser.Functions[n]
			_ = enc.Encode(map[string]any{"name": f.Name, "argTypes": f.ArgTypes, "variadic": f.Variadic, "returnType": f.ReturnType, "experimental": f.Experimental})
		}
		return
	}
	all := parser.NewParser(parser.Options{EnableExperimentalFunctions: true, ExperimentalDurationExpr: true, EnableExtendedRangeSelectors: true, EnableBinopFillModifiers: true})
	none := parser.NewParser(parser.Options{})
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for sc.Scan() {
		var in input
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(2)
		}
		p := all
		if in.Opts == "none" {
			p = none
		}
		o := run(in, p)
		if err := enc.Encode(o); err != nil {
			o.JSON = map[string]any{"unencodable": err.Error()}
			if err := enc.Encode(o); err != nil {
				fmt.Fprintln(os.Stderr, "encode:", err)
				os.Exit(3)
			}
		}
	}
}
