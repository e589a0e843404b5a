package provider

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ validator.List = disjointRemapsValidator{}

// disjointRemapsValidator checks the subnet remaps against each other: a source CIDR remapped twice, or
// two remaps onto the same or overlapping destination CIDRs, would give one subnet two homes or two
// subnets one. The engine checks the same at plan time; here `terraform validate` catches it already.
// Entries that are not CIDRs are left to the CIDR validator.
type disjointRemapsValidator struct{}

func disjointRemaps() disjointRemapsValidator { return disjointRemapsValidator{} }

func (disjointRemapsValidator) Description(_ context.Context) string {
	return "each src_cidr may appear once, and no two dst_cidr may overlap"
}

func (disjointRemapsValidator) MarkdownDescription(_ context.Context) string {
	return "each `src_cidr` may appear once, and no two `dst_cidr` may overlap"
}

func (v disjointRemapsValidator) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var remaps []subnetRemapModel
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &remaps, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, c := range remapConflicts(remaps) {
		at := req.Path.AtListIndex(c.index).AtName(c.attribute)
		resp.Diagnostics.AddAttributeError(at, "Conflicting subnet remaps", at.String()+": "+c.message)
	}
}

type remapConflict struct {
	index     int
	attribute string
	message   string
}

// remapConflicts lists each remap that repeats an earlier source CIDR or overlaps an earlier destination.
func remapConflicts(remaps []subnetRemapModel) []remapConflict {
	var out []remapConflict
	srcSeen := map[netip.Prefix]int{}
	type dst struct {
		index  int
		prefix netip.Prefix
	}
	var dsts []dst
	for i, r := range remaps {
		if src, ok := knownPrefix(r.SrcCIDR); ok {
			if j, dup := srcSeen[src]; dup {
				out = append(out, remapConflict{i, "src_cidr", fmt.Sprintf("%s is already remapped by entry %d.", src, j)})
			} else {
				srcSeen[src] = i
			}
		}
		if d, ok := knownPrefix(r.DstCIDR); ok {
			for _, other := range dsts {
				if other.prefix.Overlaps(d) {
					out = append(out, remapConflict{i, "dst_cidr", fmt.Sprintf("%s overlaps %s, the destination of entry %d.", d, other.prefix, other.index)})
					break
				}
			}
			dsts = append(dsts, dst{i, d})
		}
	}
	return out
}

func knownPrefix(v types.String) (netip.Prefix, bool) {
	if v.IsNull() || v.IsUnknown() {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(v.ValueString())
	if err != nil {
		return p, false
	}
	return p.Masked(), true
}
