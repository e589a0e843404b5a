package waldur

import (
	"net/netip"
	"net/url"
	"strings"
)

// NormalizeUUID returns a uuid in Waldur's usual form: 32 lower-case hex digits, no dashes. A value that
// is not a uuid is returned trimmed but otherwise unchanged.
func NormalizeUUID(s string) string {
	s = strings.TrimSpace(s)
	if !IsUUID(s) {
		return s
	}
	return strings.ToLower(strings.ReplaceAll(s, "-", ""))
}

// SameUUID compares two uuids regardless of dashes and case (Waldur accepts both forms).
func SameUUID(a, b string) bool {
	return a != "" && NormalizeUUID(a) == NormalizeUUID(b)
}

// IsUUID reports whether s is a uuid, with or without dashes (what Waldur accepts).
func IsUUID(s string) bool {
	s = strings.TrimSpace(s)
	switch len(s) {
	case 32:
		return isHex(s)
	case 36:
		for _, i := range []int{8, 13, 18, 23} {
			if s[i] != '-' {
				return false
			}
		}
		return isHex(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:])
	}
	return false
}

func isHex(s string) bool {
	for _, r := range s {
		if !isHexDigit(r) {
			return false
		}
	}
	return true
}

func isHexDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
}

// UUIDFromURL returns the last path segment of a Waldur object URL
// ("https://w/api/openstack-networks/<uuid>/" → "<uuid>"), or "" when there is none. Some objects name
// their relations only by URL (a subnet's network and tenant).
func UUIDFromURL(u string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.Trim(p.Path, "/"), "/")
	return segs[len(segs)-1]
}

// Message is an error whose text is one of Waldur's own validation messages, verbatim.
type Message string

func (m Message) Error() string { return string(m) }

var privateNets = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// ValidatePrivateSubnetCIDR applies Waldur's rule for subnet CIDRs in migration mappings and returns
// Waldur's own message on failure: a valid IPv4 network with no host bits set, a /24, inside 10/8,
// 172.16/12 or 192.168/16.
func ValidatePrivateSubnetCIDR(cidr string) error {
	p, ok := parseIPv4Network(strings.TrimSpace(cidr))
	if !ok {
		return Message(MsgInvalidIPv4)
	}
	if p.Bits() != 24 {
		return Message(MsgPrefixNot24)
	}
	for _, n := range privateNets {
		if n.Contains(p.Addr()) && p.Bits() >= n.Bits() {
			return nil
		}
	}
	return Message(MsgNotPrivate)
}

// parseIPv4Network parses as Python's IPv4Network(value, strict=True) does: "a.b.c.d/len",
// "a.b.c.d/netmask" or a bare address (a /32), rejecting host bits.
func parseIPv4Network(s string) (netip.Prefix, bool) {
	addrPart, maskPart, hasMask := strings.Cut(s, "/")
	addr, err := netip.ParseAddr(addrPart)
	if err != nil || !addr.Is4() {
		return netip.Prefix{}, false
	}
	bits := 32
	if hasMask {
		if strings.Contains(maskPart, ".") {
			m, err := netip.ParseAddr(maskPart)
			if err != nil || !m.Is4() {
				return netip.Prefix{}, false
			}
			b := m.As4()
			v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			n := 0
			for v&(1<<31) != 0 {
				n++
				v <<= 1
			}
			if v != 0 {
				return netip.Prefix{}, false
			}
			bits = n
		} else {
			p, err := netip.ParsePrefix("0.0.0.0/" + maskPart)
			if err != nil || maskPart == "" || strings.HasPrefix(maskPart, "+") {
				return netip.Prefix{}, false
			}
			bits = p.Bits()
		}
	}
	p := netip.PrefixFrom(addr, bits)
	if p.Masked() != p {
		return netip.Prefix{}, false
	}
	return p, true
}
