package bench

import (
	"bufio"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/apiproxy"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// The lab's Neutron API (uwsgi, see lab/up.sh) logs every request with its worker process, start time
// and duration in milliseconds and the project of its token: `neutron-api request: 9094 1764254294123
// 12391 <project> "POST /v2.0/ports HTTP/1.1" 201`. Summed by kind of call, that is where the
// destination's Neutron spent its time during a run: the evidence for the analysis of a mode's wall
// time. Requests of other lab users are left out when the measured clients are scoped to a project of
// their own (-isolate-admin); otherwise every request in the run's time window counts.

var neutronAccess = regexp.MustCompile(`^neutron-api request: \d+ (\d+) (\d+) (\S+) "(\w+) (\S+) [^"]*" (\d+)`)

// ServerTime is Neutron's time on one kind of call.
type ServerTime struct {
	Calls   int     `json:"calls"`
	Seconds float64 `json:"seconds"`
	Max     float64 `json:"max_seconds"`
	// Refused counts the answers that say the server could not or would not do it now: 409, 429 and
	// 5xx (a storm of them means the clients overran it).
	Refused int `json:"refused,omitempty"`
}

// neutronServerTime reads the requests that started between start and end (by the token's project when
// project is not empty) and sums their time by kind. span is the seconds from the start of the first of
// them to the end of the last: the time Neutron had to serve them in.
func neutronServerTime(logPath string, start, end time.Time, project string) (byKind map[string]ServerTime, span float64) {
	f, err := os.Open(logPath)
	if err != nil {
		return nil, 0
	}
	defer f.Close()
	out := map[string]ServerTime{}
	var first, last time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		m := neutronAccess.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		startMS, _ := strconv.ParseInt(m[1], 10, 64)
		ms, _ := strconv.ParseInt(m[2], 10, 64)
		began := time.UnixMilli(startMS)
		if began.Before(start) || began.After(end) || (project != "" && m[3] != project) {
			continue
		}
		ended := began.Add(time.Duration(ms) * time.Millisecond)
		if first.IsZero() || began.Before(first) {
			first = began
		}
		if ended.After(last) {
			last = ended
		}
		path, _, _ := strings.Cut(m[5], "?")
		kind := apiproxy.KindOf(apiproxy.CallKey("network", m[4], path))
		secs := float64(ms) / 1000
		st := out[kind]
		st.Calls++
		st.Seconds += secs
		st.Max = max(st.Max, secs)
		if status, _ := strconv.Atoi(m[6]); status == 409 || status == 429 || status >= 500 {
			st.Refused++
		}
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
