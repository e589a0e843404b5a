package bench

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// The lab's neutron-server logs every request with the project of its token and the time it took
// ("... [req-... <user> <project> ...] 127.0.0.1 "POST /v2.0/ports HTTP/1.1" status: 201  len: 1066
// time: 0.80"). Summed by kind of call, that is where the destination's Neutron spent its time during
// a run: the evidence for the analysis of a mode's wall time. Requests of other lab users are left out
// when the measured clients are scoped to a project of their own (-isolate-admin); otherwise every
// request in the run's time window counts.

var neutronAccess = regexp.MustCompile(`^(\S+ \S+) \d+ INFO neutron\.wsgi \[\S+ \S+ \S+ (\S+) .*"(\w+) (\S+) HTTP/1\.1" status: (\d+)\s+len: \d+ time: ([\d.]+)`)

// ServerTime is Neutron's time on one kind of call.
type ServerTime struct {
	Calls   int     `json:"calls"`
	Seconds float64 `json:"seconds"`
	Max     float64 `json:"max_seconds"`
}

// neutronServerTime reads the requests logged between start and end (by the token's project when
// project is not empty) and sums their time by kind. span is the seconds from the start of the first of
// them (logged time less its duration) to the end of the last: the time Neutron had to serve them in.
func neutronServerTime(logPath string, start, end time.Time, project string) (byKind map[string]ServerTime, span float64) {
	f, err := os.Open(logPath)
	if err != nil {
		return nil, 0
	}
	defer f.Close()
	const layout = "2006-01-02 15:04:05.000"
	out := map[string]ServerTime{}
	var first, last time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, "neutron.wsgi") {
			continue
		}
		m := neutronAccess.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at, err := time.ParseInLocation(layout, m[1], time.Local)
		if err != nil || at.Before(start) || at.After(end) {
			continue
		}
		if project != "" && m[2] != project {
			continue
		}
		path, _, _ := strings.Cut(m[4], "?")
		kind := kindOf(CallKey("network", m[3], path))
		secs, _ := strconv.ParseFloat(m[6], 64)
		if began := at.Add(-time.Duration(secs * float64(time.Second))); first.IsZero() || began.Before(first) {
			first = began
		}
		if at.After(last) {
			last = at
		}
		st := out[kind]
		st.Calls++
		st.Seconds += secs
		st.Max = max(st.Max, secs)
		out[kind] = st
	}
	return out, last.Sub(first).Seconds()
}

// busyShare is the share of its workers' time that Neutron spent serving a run's requests: their summed
// duration over workers × the span they fell in. Near 1, the run kept every worker busy throughout, and
// only less work on the server could make it faster. 0 when unknown.
func busyShare(seconds, span float64, workers int) float64 {
	if span <= 0 || workers <= 0 {
		return 0
	}
	return seconds / (span * float64(workers))
}

// labCPU reads the CPU time (user + system, seconds) consumed so far by a lab service (by its pid file
// in the lab's state directory) and its worker processes. Other users of the lab add to it too.
func labCPU(service string) float64 {
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(testlab.CloudsFile()), "pids", service+".pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return 0
	}
	total := 0.0
	for _, p := range descendants(pid) {
		stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p), "stat"))
		if err != nil {
			continue
		}
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 13 {
			continue
		}
		utime, _ := strconv.ParseFloat(f[11], 64)
		stime, _ := strconv.ParseFloat(f[12], 64)
		total += (utime + stime) / clockTicks
	}
	return total
}

// clockTicks is USER_HZ, 100 on Linux.
const clockTicks = 100
