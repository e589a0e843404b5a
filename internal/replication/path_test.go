package replication

import (
	"encoding/json"
	"testing"
)

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

func TestValidationErrorText(t *testing.T) {
	withValue := ValidationError{Attribute: Root("mappings").Attr("subnets").Index(1).Attr("dst_cidr"), Value: "8.8.8.0/24", Message: "is not a private network"}
	if got, want := withValue.Error(), `mappings.subnets[1].dst_cidr = "8.8.8.0/24": is not a private network`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	noValue := ValidationError{Attribute: Root("mappings").Attr("subnets"), Message: "odd"}
	if got, want := noValue.Error(), "mappings.subnets: odd"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	j, err := json.Marshal(withValue)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(j), `{"Attribute":"mappings.subnets[1].dst_cidr","Value":"8.8.8.0/24","Message":"is not a private network"}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

// The engine builds its paths step by step: what it names mappings.subnets[1].src_cidr is the attribute
// src_cidr of element 1 of the list subnets of the attribute mappings, not one attribute of that name.
func TestValidationErrorPathsAreStructured(t *testing.T) {
	snap := threeTier()
	snap.Quotas = Quotas{}
	facts := baseFacts()
	facts.CanCreateProjects = false
	m := Mappings{
		Networks:          []string{fxNetWeb, "net-x"},
		Subnets:           remaps("10.0.1.0/24", "8.8.8.0/24", "10.0.1.0/24", "192.168.1.0/24"),
		VolumeTypes:       []VolumeTypeMap{{"vt-x", fxDVTFst}, {fxVTSSD, "dvt-x"}},
		SyncInstancePorts: true,
	}
	var got [][]PathStep
	for _, e := range mustFail(t, snap, m, facts) {
		got = append(got, e.Attribute.Steps())
	}
	attr := func(name string) PathStep { return PathStep{Kind: AttributeStep, Name: name} }
	index := func(i int) PathStep { return PathStep{Kind: IndexStep, Index: i} }
	assertEqual(t, "paths", got, [][]PathStep{
		{attr("src_resource")},
		{attr("dst_offering")},
		{attr("mappings"), attr("sync_instance_ports")},
		{attr("mappings"), attr("networks"), index(1)},
		{attr("mappings"), attr("subnets"), index(0), attr("dst_cidr")},
		{attr("mappings"), attr("subnets"), index(1), attr("src_cidr")},
		{attr("mappings"), attr("volume_types"), index(0), attr("src_type_uuid")},
		{attr("mappings"), attr("volume_types"), index(1), attr("dst_type_uuid")},
	})
}
