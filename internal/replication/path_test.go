package replication

import "testing"

func TestPathString(t *testing.T) {
	tests := []struct {
		path Path
		want string
	}{
		{Path{}, ""},
		{Root("src_resource"), "src_resource"},
		{Root("mappings").Attr("sync_instance_ports"), "mappings.sync_instance_ports"},
		{Root("mappings").Attr("networks").Index(0), "mappings.networks[0]"},
		{Root("mappings").Attr("subnets").Index(1).Attr("dst_cidr"), "mappings.subnets[1].dst_cidr"},
		{Root("mappings").Attr("subnets").Index(12).Attr("src_cidr"), "mappings.subnets[12].src_cidr"},
		{Root("a").Index(1).Index(2), "a[1][2]"},
		{Root("tags").Key("env"), `tags["env"]`},
		{Root("offerings").Key("old").Attr("cloud"), `offerings["old"].cloud`},
		{Root("m").Key(`a "quoted" key`).Index(3), `m["a \"quoted\" key"][3]`},
		{Root("m").Key("").Key("x.y[0]"), `m[""]["x.y[0]"]`},
		{Path{}.Index(4).Attr("x"), "[4].x"},
	}
	for _, tt := range tests {
		if got := tt.path.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestPathSteps(t *testing.T) {
	p := Root("mappings").Attr("subnets").Index(1).Key("k").Attr("dst_cidr")
	assertEqual(t, "steps", p.Steps(), []PathStep{
		{Kind: AttributeStep, Name: "mappings"},
		{Kind: AttributeStep, Name: "subnets"},
		{Kind: IndexStep, Index: 1},
		{Kind: KeyStep, Name: "k"},
		{Kind: AttributeStep, Name: "dst_cidr"},
	})
	p.Steps()[0].Name = "changed"
	if got := p.String(); got != `mappings.subnets[1]["k"].dst_cidr` {
		t.Errorf("changing Steps() changed the path: %s", got)
	}
	if !(Path{}).IsEmpty() || Root("x").IsEmpty() {
		t.Error("IsEmpty is wrong")
	}
}

// Paths grown from one prefix do not share their steps.
func TestPathPrefixIsNotShared(t *testing.T) {
	subnet := Root("mappings").Attr("subnets").Index(1)
	src, dst := subnet.Attr("src_cidr"), subnet.Attr("dst_cidr")
	deeper := subnet.Index(5)
	if src.String() != "mappings.subnets[1].src_cidr" || dst.String() != "mappings.subnets[1].dst_cidr" ||
		deeper.String() != "mappings.subnets[1][5]" || subnet.String() != "mappings.subnets[1]" {
		t.Errorf("paths from one prefix interfere: %s, %s, %s, %s", src, dst, deeper, subnet)
	}
}
