package replication

import "testing"

func TestMoveAddr(t *testing.T) {
	tests := []struct {
		a, from, to string
		want        string // "" means it does not fit
	}{
		{"10.0.1.37", "10.0.1.0/24", "192.168.10.0/24", "192.168.10.37"},
		{"10.0.1.0", "10.0.1.0/24", "192.168.10.0/24", "192.168.10.0"},
		{"10.0.1.255", "10.0.1.0/24", "192.168.10.0/24", "192.168.10.255"},
		{"10.0.1.63", "10.0.1.0/24", "192.168.10.0/26", "192.168.10.63"}, // last offset of a /26
		{"10.0.1.64", "10.0.1.0/24", "192.168.10.0/26", ""},              // first offset beyond it
		{"10.0.1.200", "10.0.1.0/24", "172.16.0.0/16", "172.16.0.200"},   // into a larger network
		{"10.0.1.255", "10.0.0.0/16", "172.16.0.0/12", "172.16.1.255"},   // offsets wider than a byte
		{"10.0.1.255", "10.0.0.0/16", "192.168.1.0/23", "192.168.1.255"}, // destination given with host bits
		{"10.0.1.5", "10.0.1.1/24", "192.168.10.0/24", "192.168.10.5"},   // source given with host bits
		{"10.0.1.0", "10.0.1.0/24", "192.168.10.7/32", "192.168.10.7"},   // /32: offset 0 only
		{"10.0.1.1", "10.0.1.0/24", "192.168.10.7/32", ""},
		{"10.0.1.1", "10.0.1.0/24", "192.168.10.6/31", "192.168.10.7"}, // /31: offsets 0 and 1
		{"10.0.1.2", "10.0.1.0/24", "192.168.10.6/31", ""},
		{"fd00:1::abcd", "fd00:1::/64", "fd00:2::/64", "fd00:2::abcd"},
		{"fd00:1::ffff:ffff:ffff:ffff", "fd00:1::/64", "fd12:3456:789a:1::/64", "fd12:3456:789a:1:ffff:ffff:ffff:ffff"},
		{"fd00:1::ffff", "fd00:1::/64", "fd00:2::/112", "fd00:2::ffff"},
		{"fd00:1::1:0", "fd00:1::/64", "fd00:2::/112", ""},
		{"fd00:1::1", "fd00:1::/64", "fd00:2::5/128", ""},
	}
	for _, tt := range tests {
		got, ok := moveAddr(madr(tt.a), mpfx(tt.from), mpfx(tt.to))
		if tt.want == "" {
			if ok {
				t.Errorf("moveAddr(%s, %s, %s) = %s, want no fit", tt.a, tt.from, tt.to, got)
			}
			continue
		}
		if !ok || got != madr(tt.want) {
			t.Errorf("moveAddr(%s, %s, %s) = %s, %v; want %s", tt.a, tt.from, tt.to, got, ok, tt.want)
		}
		if got.Is4() != madr(tt.want).Is4() || got.Is4In6() {
			t.Errorf("moveAddr(%s, ...) returned the wrong address form %s", tt.a, got)
		}
	}
}

func TestAddrAt(t *testing.T) {
	tests := []struct {
		p    string
		n    int64
		want string
	}{
		{"10.0.1.0/24", 0, "10.0.1.0"},
		{"10.0.1.0/24", 1, "10.0.1.1"},
		{"10.0.1.0/24", 2, "10.0.1.2"},
		{"10.0.1.0/24", 255, "10.0.1.255"},
		{"10.0.1.0/24", -1, "10.0.1.255"},
		{"10.0.1.0/24", -2, "10.0.1.254"},
		{"10.0.1.77/24", 2, "10.0.1.2"}, // counted from the network address
		{"10.0.0.0/23", 256, "10.0.1.0"},
		{"10.0.0.0/23", -257, "10.0.0.255"},
		{"10.0.0.0/23", -512, "10.0.0.0"},
		{"192.168.10.6/31", 0, "192.168.10.6"},
		{"192.168.10.6/31", -1, "192.168.10.7"},
		{"192.168.10.7/32", 0, "192.168.10.7"},
		{"192.168.10.7/32", -1, "192.168.10.7"},
		{"fd00::/64", 1, "fd00::1"},
		{"fd00::/64", -1, "fd00::ffff:ffff:ffff:ffff"},
		{"fd00::/64", -2, "fd00::ffff:ffff:ffff:fffe"},
		{"fd00::/64", 1 << 40, "fd00::100:0:0"},
		{"fd00::5/128", -1, "fd00::5"},
	}
	for _, tt := range tests {
		got := addrAt(mpfx(tt.p), tt.n)
		if got != madr(tt.want) {
			t.Errorf("addrAt(%s, %d) = %s, want %s", tt.p, tt.n, got, tt.want)
		}
	}
}

func TestLastAddr(t *testing.T) {
	tests := []struct{ p, want string }{
		{"10.0.1.0/24", "10.0.1.255"},
		{"10.0.1.77/24", "10.0.1.255"},
		{"10.0.0.0/23", "10.0.1.255"},
		{"192.168.10.0/26", "192.168.10.63"},
		{"192.168.10.6/31", "192.168.10.7"},
		{"192.168.10.7/32", "192.168.10.7"},
		{"0.0.0.0/0", "255.255.255.255"},
		{"fd00:1::/64", "fd00:1::ffff:ffff:ffff:ffff"},
		{"fd00:1::/120", "fd00:1::ff"},
		{"fd00:1::1/128", "fd00:1::1"},
		{"::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
	}
	for _, tt := range tests {
		if got := lastAddr(mpfx(tt.p)); got != madr(tt.want) {
			t.Errorf("lastAddr(%s) = %s, want %s", tt.p, got, tt.want)
		}
	}
}

func TestAdd16Sub16Carry(t *testing.T) {
	a := [16]byte{15: 0xff, 14: 0xff}
	one := [16]byte{15: 1}
	if got, want := add16(a, one), ([16]byte{13: 1}); got != want {
		t.Errorf("add16 carry: %x, want %x", got, want)
	}
	if got, want := sub16([16]byte{13: 1}, one), a; got != want {
		t.Errorf("sub16 borrow: %x, want %x", got, want)
	}
	if !fitsBits([16]byte{15: 0xff}, 8) || fitsBits([16]byte{14: 1}, 8) || !fitsBits([16]byte{0: 0x80}, 128) || fitsBits(one, 0) {
		t.Error("fitsBits")
	}
	if got := u64To16(0x0102030405060708); got != ([16]byte{8: 1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("u64To16 = %x", got)
	}
}

func TestTranslatePrefix(t *testing.T) {
	table := remapTable{
		{src: mpfx("10.0.1.0/24"), dst: mpfx("192.168.10.0/24")},
		{src: mpfx("10.0.3.0/24"), dst: mpfx("172.16.3.0/26")},
		{src: mpfx("fd00:1::/64"), dst: mpfx("fd00:9::/64")},
		{src: mpfx("fd00:2::/64"), dst: mpfx("fd00:8::/120")},
	}
	tests := []struct {
		p         string
		want      string
		moved, ok bool
	}{
		{"10.0.1.10/32", "192.168.10.10/32", true, true},
		{"10.0.1.0/24", "192.168.10.0/24", true, true},
		{"10.0.1.64/26", "192.168.10.64/26", true, true},
		{"10.0.3.0/24", "172.16.3.0/26", true, true}, // the whole subnet onto the whole smaller one
		{"10.0.3.32/27", "172.16.3.32/27", true, true},
		{"10.0.3.0/26", "172.16.3.0/26", true, true},
		{"10.0.3.0/25", "10.0.3.0/25", true, false},     // wider than the destination
		{"10.0.3.64/27", "10.0.3.64/27", true, false},   // beyond its end
		{"10.0.3.200/32", "10.0.3.200/32", true, false}, // beyond its end
		{"10.0.0.0/16", "10.0.0.0/16", false, true},     // contains a remapped subnet: left alone
		{"10.0.2.0/24", "10.0.2.0/24", false, true},
		{"0.0.0.0/0", "0.0.0.0/0", false, true},
		{"fd00:1::/64", "fd00:9::/64", true, true},
		{"fd00:1::abc/128", "fd00:9::abc/128", true, true},
		{"fd00:1:0:0:1::/80", "fd00:9:0:0:1::/80", true, true},
		{"fd00:2::/64", "fd00:8::/120", true, true},
		{"fd00:2::80/121", "fd00:8::80/121", true, true},
		{"fd00:2::100/120", "fd00:2::100/120", true, false},
		{"fd00::/16", "fd00::/16", false, true},
		{"::/0", "::/0", false, true},
	}
	for _, tt := range tests {
		got, moved, ok := table.translatePrefix(mpfx(tt.p))
		if got != mpfx(tt.want) || moved != tt.moved || ok != tt.ok {
			t.Errorf("translatePrefix(%s) = %s, %v, %v; want %s, %v, %v", tt.p, got, moved, ok, tt.want, tt.moved, tt.ok)
		}
	}
}

func TestTranslateAddrAndString(t *testing.T) {
	table := remapTable{{src: mpfx("10.0.3.0/24"), dst: mpfx("172.16.3.0/26")}}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"10.0.3.5", "172.16.3.5", true},
		{"10.0.3.63", "172.16.3.63", true},
		{"10.0.3.200", "invalid IP", false}, // the caller must not use it
		{"10.0.2.5", "10.0.2.5", true},
		{"fd00::1", "fd00::1", true},
		{"not-an-address", "not-an-address", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, ok := table.translateString(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("translateString(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if out, moved, ok := table.translateAddr(madr("10.0.3.7")); out != madr("172.16.3.7") || !moved || !ok {
		t.Errorf("translateAddr(10.0.3.7) = %s, %v, %v", out, moved, ok)
	}
	if out, moved, ok := table.translateAddr(madr("10.0.4.7")); out != madr("10.0.4.7") || moved || !ok {
		t.Errorf("translateAddr(10.0.4.7) = %s, %v, %v", out, moved, ok)
	}
	if _, ok := table.lookup(mpfx("10.0.3.0/24")); !ok {
		t.Error("lookup of a remapped source")
	}
	if _, ok := table.lookup(mpfx("10.0.3.0/25")); ok {
		t.Error("lookup matches a prefix that is not exactly a remapped source")
	}
}

func TestIsPrivate(t *testing.T) {
	tests := []struct {
		p    string
		want bool
	}{
		{"10.0.0.0/8", true},
		{"10.200.3.0/24", true},
		{"10.0.0.0/7", false}, // wider than the range
		{"11.0.0.0/8", false},
		{"9.255.255.0/24", false},
		{"172.16.0.0/12", true},
		{"172.31.255.0/24", true},
		{"172.32.0.0/16", false},
		{"172.15.0.0/16", false},
		{"172.16.0.0/11", false},
		{"192.168.0.0/16", true},
		{"192.168.10.7/32", true},
		{"192.168.0.0/15", false},
		{"192.169.0.0/16", false},
		{"100.64.0.0/10", false}, // shared address space (RFC 6598) is not RFC 1918
		{"169.254.0.0/16", false},
		{"203.0.113.0/24", false},
		{"0.0.0.0/0", false},
		{"fd00::/8", true},
		{"fc00::/7", true},
		{"fd12:3456:789a:1::/64", true},
		{"fc00::/6", false},
		{"fe80::/10", false},
		{"2001:db8::/32", false},
		{"::/0", false},
	}
	for _, tt := range tests {
		if got := isPrivate(mpfx(tt.p)); got != tt.want {
			t.Errorf("isPrivate(%s) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestParseNetwork(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"10.0.1.0/24", "10.0.1.0/24", ""},
		{"10.0.1.1/32", "10.0.1.1/32", ""},
		{"10.0.1.0/31", "10.0.1.0/31", ""},
		{"0.0.0.0/0", "0.0.0.0/0", ""},
		{"fd00:1::/64", "fd00:1::/64", ""},
		{"10.0.1.1/24", "", "host bits are set (did you mean 10.0.1.0/24?)"},
		{"10.0.1.1/31", "", "host bits are set (did you mean 10.0.1.0/31?)"},
		{"fd00:1::1/64", "", "host bits are set (did you mean fd00:1::/64?)"},
		{"10.0.1.0", "", "not a valid CIDR"},
		{"10.0.1.0/33", "", "not a valid CIDR"},
		{"10.0.1/24", "", "not a valid CIDR"},
		{"fd00::/129", "", "not a valid CIDR"},
		{"", "", "not a valid CIDR"},
		{" 10.0.1.0/24", "", "not a valid CIDR"},
	}
	for _, tt := range tests {
		got, err := parseNetwork(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("parseNetwork(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != mpfx(tt.want) {
			t.Errorf("parseNetwork(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
