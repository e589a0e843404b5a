package bench

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProcPeak is the peak resident set of one process of a sampled tree.
type ProcPeak struct {
	PID    int     `json:"pid"`
	Exe    string  `json:"exe"`
	PeakMB float64 `json:"peak_rss_mb"`
}

// TreeSampler polls a process and its descendants: each process's VmHWM (the kernel's own high-water
// mark of its resident set, so a peak between two polls is not missed) and the sum of their VmRSS.
type TreeSampler struct {
	root     int
	interval time.Duration

	mu     sync.Mutex
	peaks  map[int]*ProcPeak
	sumMax int64 // KiB
	stop   chan struct{}
	done   chan struct{}
}

// SampleTree starts polling the tree rooted at pid every interval until Stop.
func SampleTree(pid int, interval time.Duration) *TreeSampler {
	s := &TreeSampler{root: pid, interval: interval, peaks: map[int]*ProcPeak{}, stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *TreeSampler) loop() {
	defer close(s.done)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		s.sample()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// Stop ends the sampling and returns each process's peak and the peak of the tree's summed RSS.
func (s *TreeSampler) Stop() (procs []ProcPeak, sumPeakMB float64) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.peaks {
		procs = append(procs, *p)
	}
	return procs, float64(s.sumMax) / 1024
}

func (s *TreeSampler) sample() {
	tree := descendants(s.root)
	var sum int64
	for _, pid := range tree {
		hwm, rss, ok := memStatus(pid)
		if !ok {
			continue
		}
		sum += rss
		s.mu.Lock()
		p := s.peaks[pid]
		if p == nil {
			exe, _ := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
			p = &ProcPeak{PID: pid, Exe: exe}
			s.peaks[pid] = p
		}
		if mb := float64(hwm) / 1024; mb > p.PeakMB {
			p.PeakMB = mb
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.sumMax = max(s.sumMax, sum)
	s.mu.Unlock()
}

// descendants returns root and every process below it.
func descendants(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return []int{root}
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(pid); ok {
			children[ppid] = append(children[ppid], pid)
		}
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

func parentOf(pid int) (int, bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	// The command name is in parentheses and may hold spaces: the fields after the last ')' are fixed.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(raw[i+1:]))
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}

// memStatus reads VmHWM and VmRSS (KiB) of a process.
func memStatus(pid int) (hwm, rss int64, ok bool) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "VmHWM:"):
			hwm = kib(line)
		case strings.HasPrefix(line, "VmRSS:"):
			rss = kib(line)
		}
	}
	return hwm, rss, hwm > 0 || rss > 0
}

func kib(line string) int64 {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return 0
	}
	n, _ := strconv.ParseInt(fields[1], 10, 64)
	return n
}

// peakOf returns the highest peak among the processes whose executable's base name starts with prefix.
func peakOf(procs []ProcPeak, prefix string) float64 {
	best := 0.0
	for _, p := range procs {
		if strings.HasPrefix(filepath.Base(p.Exe), prefix) {
			best = max(best, p.PeakMB)
		}
	}
	return best
}
