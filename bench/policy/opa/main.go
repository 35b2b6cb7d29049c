// opa-bench times OPA on the Rego translation of bench/policy's generated policy set, so
// bench/policy/run.ts can put it beside Countersign's evaluator in the same run.
//
//	opa-bench -policy policy.rego -inputs inputs.json [-evals 200000] [-warmup 50000]
//
// Prints one JSON object: the decision for every input (in input order, for the agreement check)
// and per-evaluation percentiles, each evaluation timed on its own around PreparedEvalQuery.Eval.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown/cache"
	"github.com/open-policy-agent/opa/v1/version"
)

type decision struct {
	Outcome string `json:"outcome"`
	Rule    string `json:"rule"`
}

type stats struct {
	P50Us  float64 `json:"p50Us"`
	P99Us  float64 `json:"p99Us"`
	MeanUs float64 `json:"meanUs"`
	MaxUs  float64 `json:"maxUs"`
}

type report struct {
	OpaVersion string  `json:"opaVersion"`
	PrepareMs  float64 `json:"prepareMs"`
	Evals      int     `json:"evals"`
	stats
	// The same loop with input as Go maps (rego.EvalInput), converted to AST on every call, the
	// way a server that decodes JSON per request would pay for it.
	MapInput  stats      `json:"mapInput"`
	Decisions []decision `json:"decisions"`
}

func main() {
	policyPath := flag.String("policy", "", "Rego module to load")
	inputsPath := flag.String("inputs", "", "JSON array of inputs")
	query := flag.String("query", "data.countersign.bench.decision", "query whose value is {outcome, rule}")
	evals := flag.Int("evals", 200000, "timed evaluations (cycling the inputs)")
	warmup := flag.Int("warmup", 50000, "untimed evaluations before timing")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run here (go tool pprof)")
	interQuery := flag.Bool("interquery-cache", true, "keep compiled globs in an inter-query value cache")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "opa-bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*policyPath, *inputsPath, *query, *evals, *warmup, *interQuery); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "opa-bench:", err)
		os.Exit(1)
	}
}

func run(policyPath, inputsPath, query string, evals, warmup int, interQuery bool) error {
	ctx := context.Background()
	module, err := os.ReadFile(policyPath)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(inputsPath)
	if err != nil {
		return err
	}
	var inputs []map[string]any
	if err := json.Unmarshal(raw, &inputs); err != nil {
		return fmt.Errorf("%s: %w", inputsPath, err)
	}
	if len(inputs) == 0 {
		return fmt.Errorf("%s: no inputs", inputsPath)
	}
	parsed := make([]ast.Value, len(inputs))
	for i, in := range inputs {
		if parsed[i], err = ast.InterfaceToValue(in); err != nil {
			return err
		}
	}

	start := time.Now()
	// The inter-query value cache keeps every compiled glob: OPA's built-in fallback cache holds
	// only 100 patterns and evicts at random, and this policy has more distinct globs than that.
	// The OPA server configures the same cache by default.
	options := []func(*rego.Rego){rego.Query(query), rego.Module("policy.rego", string(module))}
	if interQuery {
		cacheConfig, _ := cache.ParseCachingConfig(nil)
		options = append(options, rego.InterQueryBuiltinValueCache(cache.NewInterQueryValueCache(ctx, cacheConfig)))
	}
	pq, err := rego.New(options...).PrepareForEval(ctx)
	if err != nil {
		return err
	}
	out := report{OpaVersion: version.Version, PrepareMs: ms(time.Since(start)), Evals: evals}

	// One untimed pass for the decisions, which also warms every action type's path.
	out.Decisions = make([]decision, len(parsed))
	for i, in := range parsed {
		if out.Decisions[i], err = evaluate(ctx, pq, rego.EvalParsedInput(in)); err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
	}

	parsedInput := func(i int) rego.EvalOption { return rego.EvalParsedInput(parsed[i%len(parsed)]) }
	mapInput := func(i int) rego.EvalOption { return rego.EvalInput(inputs[i%len(inputs)]) }
	if _, err := timed(ctx, pq, parsedInput, warmup); err != nil {
		return err
	}
	if out.stats, err = timed(ctx, pq, parsedInput, evals); err != nil {
		return err
	}
	if out.MapInput, err = timed(ctx, pq, mapInput, evals/4); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

func evaluate(ctx context.Context, pq rego.PreparedEvalQuery, input rego.EvalOption) (decision, error) {
	rs, err := pq.Eval(ctx, input)
	if err != nil {
		return decision{}, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return decision{}, fmt.Errorf("expected one result, got %v", rs)
	}
	v, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return decision{}, fmt.Errorf("expected an object, got %v", rs[0].Expressions[0].Value)
	}
	outcome, _ := v["outcome"].(string)
	rule, _ := v["rule"].(string)
	return decision{Outcome: outcome, Rule: rule}, nil
}

// timed measures only the Eval call; building the option and reading the result stay outside.
func timed(ctx context.Context, pq rego.PreparedEvalQuery, input func(int) rego.EvalOption, n int) (stats, error) {
	if n <= 0 {
		return stats{}, nil
	}
	ns := make([]int64, n)
	var total int64
	for i := range n {
		opt := input(i)
		t0 := time.Now()
		rs, err := pq.Eval(ctx, opt)
		d := time.Since(t0).Nanoseconds()
		if err != nil {
			return stats{}, err
		}
		if len(rs) != 1 {
			return stats{}, fmt.Errorf("evaluation %d: expected one result, got %d", i, len(rs))
		}
		ns[i] = d
		total += d
	}
	slices.Sort(ns)
	at := func(q float64) float64 { return float64(ns[min(n-1, int(q*float64(n)))]) / 1000 }
	return stats{P50Us: at(0.5), P99Us: at(0.99), MeanUs: float64(total) / float64(n) / 1000, MaxUs: float64(ns[n-1]) / 1000}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
