package bench

import (
	"strings"
	"testing"
	"time"
)

func TestFixedWrites(t *testing.T) {
	for mode, want := range map[string]int{"engine_w1": 1, "engine_w8": 8, "engine_w16": 16, "engine_w0": 0, "engine_w17": 0, "engine_wx": 0,
		"engine": 0, "engine_adaptive": 0, "floor_w4": 0} {
		got, ok := fixedWrites(mode)
		if got != want || ok != (want > 0) {
			t.Errorf("fixedWrites(%q) = %d, %v; want %d", mode, got, ok, want)
		}
	}
}

func runs(walls ...float64) *ModeResult {
	m := &ModeResult{}
	for _, w := range walls {
		m.Runs = append(m.Runs, RunResult{WallSeconds: w})
	}
	m.summarize()
	return m
}

func TestCapacityMatrix(t *testing.T) {
	r := &Results{Modes: map[string]*ModeResult{}, Lab: LabInfo{NeutronAPIWorkers: 2}}
	// A run without the adaptive mode records no cell.
	r.recordCapacity(4, 0, map[string]*ModeResult{ModeEngine: runs(30)})
	if len(r.Capacity) != 0 {
		t.Fatalf("cell recorded without engine_adaptive: %v", r.Capacity)
	}
	// At 0 ms the adaptive mode is within 5 % of the best fixed (engine_w4); at 80 ms it is 10 % slower.
	r.recordCapacity(4, 0, map[string]*ModeResult{ModeEngine: runs(30, 31), "engine_w4": runs(20, 21), "engine_w8": runs(25, 26),
		ModeEngineAdaptive: runs(20.5, 21.5), ModeTPO: runs(90)})
	r.recordCapacity(4, 80*time.Millisecond, map[string]*ModeResult{ModeEngine: runs(40), "engine_w8": runs(20), ModeEngineAdaptive: runs(22)})
	r.Compute()
	c0, c80 := r.Capacity["p4_d0"], r.Capacity["p4_d80"]
	if c0 == nil || c80 == nil {
		t.Fatalf("cells: %v", r.Capacity)
	}
	if c0.Modes[ModeTPO] != nil {
		t.Errorf("a cell holds the engine modes only, got tpo")
	}
	if c0.BestFixed != "engine_w4" || c80.BestFixed != "engine_w8" {
		t.Errorf("best fixed: %s, %s", c0.BestFixed, c80.BestFixed)
	}
	if got := *c0.AdaptiveVsBest; got < 1.02 || got > 1.03 { // 21 / 20.5
		t.Errorf("adaptive vs best at 0 ms = %.3f", got)
	}
	if got := *c80.AdaptiveVsDefault; got != 22.0/40 {
		t.Errorf("adaptive vs default at 80 ms = %.3f", got)
	}
	// The verdict is the worst cell's: 22/20 = 1.1 misses 1.05; never slower than the default is met.
	if m := r.Met["adaptive_vs_best_fixed"]; m == nil || *m {
		t.Errorf("adaptive_vs_best_fixed verdict = %v, want missed", m)
	}
	if m := r.Met["adaptive_vs_default"]; m == nil || !*m {
		t.Errorf("adaptive_vs_default verdict = %v, want met", m)
	}
	table := r.Table()
	for _, want := range []string{"| 4 | 0 | 30.5 | 20.5 | 25.5 | 21.0 | engine_w4 | 1.024 | 0.689 |", "| 4 | 80 | 40.0 | | 20.0 | 22.0 | engine_w8 | 1.100 | 0.550 |"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}
