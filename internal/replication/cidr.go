package replication

import (
	"fmt"
	"net/netip"
)

// remap is a parsed SubnetRemap.
type remap struct {
	src, dst netip.Prefix
}

// remapTable translates addresses and prefixes of remapped source subnets to their destination CIDRs,
// keeping each address's offset from the start of its subnet.
type remapTable []remap

// lookup returns the remap whose source CIDR is exactly p.
func (t remapTable) lookup(p netip.Prefix) (remap, bool) {
	for _, r := range t {
		if r.src == p {
			return r, true
		}
	}
	return remap{}, false
}

// translateAddr moves an address inside a remapped source CIDR to the same offset in the destination CIDR.
// moved is false when no remap covers the address; ok is false when it is covered but its offset does
// not fit the destination CIDR.
func (t remapTable) translateAddr(a netip.Addr) (out netip.Addr, moved, ok bool) {
	for _, r := range t {
		if r.src.Contains(a) {
			out, ok = moveAddr(a, r.src, r.dst)
			return out, true, ok
		}
	}
	return a, false, true
}

// translatePrefix moves a prefix that lies inside a remapped source CIDR; the source CIDR itself becomes the
// destination CIDR.
func (t remapTable) translatePrefix(p netip.Prefix) (out netip.Prefix, moved, ok bool) {
	for _, r := range t {
		if r.src.Bits() <= p.Bits() && r.src.Contains(p.Addr()) {
			if p.Bits() == r.src.Bits() { // the whole subnet becomes the whole destination, whatever its size
				return r.dst, true, true
			}
			a, fits := moveAddr(p.Addr(), r.src, r.dst)
			if !fits || p.Bits() < r.dst.Bits() {
				return p, true, false
			}
			return netip.PrefixFrom(a, p.Bits()), true, true
		}
	}
	return p, false, true
}

// translateString is translateAddr for the textual form; text that is not an address passes unchanged.
func (t remapTable) translateString(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return s, true
	}
	out, _, ok := t.translateAddr(a)
	return out.String(), ok
}

// moveAddr returns the address at a's offset from from's start, counted from to's start; ok is false when
// the offset is beyond to's size.
func moveAddr(a netip.Addr, from, to netip.Prefix) (netip.Addr, bool) {
	off := sub16(a.As16(), from.Masked().Addr().As16())
	hostBits := to.Addr().BitLen() - to.Bits()
	if !fitsBits(off, hostBits) {
		return netip.Addr{}, false
	}
	out := netip.AddrFrom16(add16(to.Masked().Addr().As16(), off))
	if to.Addr().Is4() {
		out = out.Unmap()
	}
	return out, true
}

// addrAt returns the address at offset n of prefix p (negative n counts back from the last address).
func addrAt(p netip.Prefix, n int64) netip.Addr {
	base := p.Masked().Addr().As16()
	var off [16]byte
	if n >= 0 {
		off = u64To16(uint64(n))
	} else {
		last := lastAddr(p).As16()
		out := netip.AddrFrom16(sub16(last, u64To16(uint64(-n-1))))
		if p.Addr().Is4() {
			return out.Unmap()
		}
		return out
	}
	out := netip.AddrFrom16(add16(base, off))
	if p.Addr().Is4() {
		return out.Unmap()
	}
	return out
}

// lastAddr is the highest address of p (the broadcast address for IPv4).
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As16()
	bits := p.Bits()
	if p.Addr().Is4() {
		bits += 96
	}
	for i := bits; i < 128; i++ {
		b[i/8] |= 1 << (7 - uint(i%8))
	}
	out := netip.AddrFrom16(b)
	if p.Addr().Is4() {
		return out.Unmap()
	}
	return out
}

func sub16(a, b [16]byte) [16]byte {
	var out [16]byte
	borrow := 0
	for i := 15; i >= 0; i-- {
		d := int(a[i]) - int(b[i]) - borrow
		borrow = 0
		if d < 0 {
			d += 256
			borrow = 1
		}
		out[i] = byte(d)
	}
	return out
}

func add16(a, b [16]byte) [16]byte {
	var out [16]byte
	carry := 0
	for i := 15; i >= 0; i-- {
		s := int(a[i]) + int(b[i]) + carry
		out[i] = byte(s)
		carry = s >> 8
	}
	return out
}

func u64To16(n uint64) [16]byte {
	var out [16]byte
	for i := 15; i >= 8; i-- {
		out[i] = byte(n)
		n >>= 8
	}
	return out
}

// fitsBits reports whether the 128-bit number off is below 2^bits.
func fitsBits(off [16]byte, bits int) bool {
	for i := 0; i < 128-bits; i++ {
		if off[i/8]&(1<<(7-uint(i%8))) != 0 {
			return false
		}
	}
	return true
}

// parseNetwork parses a CIDR that must be a network address (no host bits set).
func parseNetwork(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, fmt.Errorf("not a valid CIDR")
	}
	if p.Masked() != p {
		return p, fmt.Errorf("host bits are set (did you mean %s?)", p.Masked())
	}
	return p, nil
}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"), // IPv6 unique local addresses (RFC 4193)
}

// isPrivate reports whether p lies wholly inside an RFC 1918 range (or the IPv6 ULA range).
func isPrivate(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}
