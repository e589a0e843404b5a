package replication

import (
	"encoding/json"
	"testing"
)

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
