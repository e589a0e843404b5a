package bench

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Issue 17, item 2: the adaptive write gate against fixed numbers of Neutron writes in flight, per
// number of Neutron API processes (LAB_NEUTRON_API_PROCESSES, read from the lab's configuration) and
// proxy delay. A -mode compare run whose -run holds engine_adaptive records, for each delay it measured,
// a cell of the matrix with every engine mode of the run: engine (the default, 2 writes in flight),
// engine_w<N> (N writes in flight) and engine_adaptive. Run it once per lab size:
//
//	LAB_NEUTRON_API_PROCESSES=4 bash lab/down.sh; LAB_NEUTRON_API_PROCESSES=4 bash lab/up.sh
//	go run ./cmd/bench -mode compare -run engine,engine_w4,engine_w8,engine_adaptive -delay-ms 0,20,80 -n 2

// fixedWritesPrefix names the engine modes with a fixed number of writes in flight: engine_w4 is the
// engine with openstack.Config.NetworkWriteSlots = 4.
const fixedWritesPrefix = KindEngine + "_w"

// fixedWrites returns the writes in flight of an engine_w<N> mode.
func fixedWrites(mode string) (int, bool) {
	rest, ok := strings.CutPrefix(mode, fixedWritesPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > AdaptiveUpperBound {
		return 0, false
	}
	return n, true
}

// defaultWrites is the engine's default number of Neutron writes in flight (openstack's
// defaultNetworkWriteSlots), which mode engine runs with when -engine-write-slots is not given.
const defaultWrites = 2

// matrixCells is the size of issue 17's matrix: Neutron API processes 1, 2 and 4 × delays 0, 20 and 80 ms.
const matrixCells = 9

// CapacityCell is one cell of the matrix: the engine modes' medians at one lab size and delay.
type CapacityCell struct {
	Processes int                    `json:"neutron_api_processes"`
	DelayMS   int                    `json:"delay_ms"`
	Modes     map[string]*ModeResult `json:"modes"`
	// BestFixed is the fixed mode with the smallest median wall; AdaptiveVsBest is the adaptive mode's
	// median over it and AdaptiveVsDefault over the default's (engine).
	BestFixed         string   `json:"best_fixed,omitempty"`
	AdaptiveVsBest    *float64 `json:"adaptive_vs_best_fixed"`
	AdaptiveVsDefault *float64 `json:"adaptive_vs_default"`
}

// capacityKey names a cell: "p2_d20" is 2 API processes at 20 ms.
func capacityKey(processes int, delay time.Duration) string {
	return fmt.Sprintf("p%d_d%d", processes, int(delay/time.Millisecond))
}

// recordCapacity files the engine modes of one delay's measurements on a lab of the given number of
// Neutron API processes as a cell of the matrix, when the run measured the adaptive gate.
func (r *Results) recordCapacity(processes int, delay time.Duration, modes map[string]*ModeResult) {
	if modes[ModeEngineAdaptive] == nil {
		return
	}
	cell := &CapacityCell{Processes: processes, DelayMS: int(delay / time.Millisecond), Modes: map[string]*ModeResult{}}
	for name, m := range modes {
		if _, fixed := fixedWrites(name); fixed || name == ModeEngine || name == ModeEngineAdaptive {
			cell.Modes[name] = m
		}
	}
	if r.Capacity == nil {
		r.Capacity = map[string]*CapacityCell{}
	}
	r.Capacity[capacityKey(cell.Processes, delay)] = cell
}

// writesOf is the number of writes in flight of a fixed engine mode of a cell; engine's is the default
// unless the run set -engine-write-slots (then it is not a fixed mode of the matrix: 0).
func writesOf(name string, engineOptions map[string]int) int {
	if n, ok := fixedWrites(name); ok {
		return n
	}
	if name == ModeEngine {
		if engineOptions["write_slots"] != 0 {
			return engineOptions["write_slots"]
		}
		return defaultWrites
	}
	return 0
}

// computeCapacity derives each cell's best fixed mode and the adaptive mode's ratios, and whether every
// cell meets the targets: within 5 % of the best fixed setting, and never slower than the default.
func (r *Results) computeCapacity(check func(string, *float64, func(float64) bool)) {
	if len(r.Capacity) == 0 {
		check("adaptive_vs_best_fixed", nil, nil)
		return
	}
	var worstBest, worstDefault *float64
	for _, cell := range r.Capacity {
		cell.BestFixed, cell.AdaptiveVsBest, cell.AdaptiveVsDefault = "", nil, nil
		ad := cell.Modes[ModeEngineAdaptive]
		for _, name := range slices.Sorted(maps.Keys(cell.Modes)) {
			m := cell.Modes[name]
			if name == ModeEngineAdaptive || m.Failed == len(m.Runs) {
				continue
			}
			if best := cell.Modes[cell.BestFixed]; best == nil || m.WallMedian < best.WallMedian {
				cell.BestFixed = name
			}
		}
		cell.AdaptiveVsBest = ratio(ad, cell.Modes[cell.BestFixed], wall)
		cell.AdaptiveVsDefault = ratio(ad, cell.Modes[ModeEngine], wall)
		if v := cell.AdaptiveVsBest; v != nil && (worstBest == nil || *v > *worstBest) {
			worstBest = v
		}
		if v := cell.AdaptiveVsDefault; v != nil && (worstDefault == nil || *v > *worstDefault) {
			worstDefault = v
		}
	}
	if len(r.Capacity) < matrixCells {
		r.notef("capacity matrix: %d of its %d cells measured (Neutron API processes 1, 2, 4 × delays 0, 20, 80 ms); "+
			"adaptive_vs_best_fixed and adaptive_vs_default are the worst of those", len(r.Capacity), matrixCells)
	}
	check("adaptive_vs_best_fixed", worstBest, func(v float64) bool { return v <= Targets["adaptive_vs_best_fixed"] })
	check("adaptive_vs_default", worstDefault, func(v float64) bool { return v <= Targets["adaptive_vs_default"] })
}

// capacityTable lists the matrix: a row per cell, the engine modes' median walls side by side.
func (r *Results) capacityTable() string {
	if len(r.Capacity) == 0 {
		return ""
	}
	keys := slices.SortedFunc(maps.Keys(r.Capacity), func(a, b string) int {
		ca, cb := r.Capacity[a], r.Capacity[b]
		return cmp.Or(cmp.Compare(ca.Processes, cb.Processes), cmp.Compare(ca.DelayMS, cb.DelayMS))
	})
	names := map[string]bool{}
	for _, k := range keys {
		for n := range r.Capacity[k].Modes {
			names[n] = true
		}
	}
	cols := slices.SortedFunc(maps.Keys(names), func(a, b string) int {
		wa, wb := writesOf(a, r.EngineOptions), writesOf(b, r.EngineOptions)
		if wa == 0 {
			wa = 1 << 20 // adaptive last
		}
		if wb == 0 {
			wb = 1 << 20
		}
		return cmp.Or(cmp.Compare(wa, wb), cmp.Compare(a, b))
	})
	var b strings.Builder
	b.WriteString("\nWrites in flight, fixed against adaptive (wall s, medians; engine is the default, 2):\n\n| Neutron processes | delay ms |")
	for _, c := range cols {
		b.WriteString(" " + c + " |")
	}
	b.WriteString(" best fixed | adaptive vs best | adaptive vs default |\n|---:|---:|" + strings.Repeat("---:|", len(cols)+3) + "\n")
	for _, k := range keys {
		cell := r.Capacity[k]
		fmt.Fprintf(&b, "| %d | %d |", cell.Processes, cell.DelayMS)
		for _, c := range cols {
			if m := cell.Modes[c]; m != nil && m.Failed < len(m.Runs) {
				fmt.Fprintf(&b, " %.1f |", m.WallMedian)
			} else {
				b.WriteString(" |")
			}
		}
		fmt.Fprintf(&b, " %s | %s | %s |\n", cell.BestFixed, fmtRatio(cell.AdaptiveVsBest), fmtRatio(cell.AdaptiveVsDefault))
	}
	return b.String()
}
