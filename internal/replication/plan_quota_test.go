package replication

import (
	"fmt"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestVolumeTypeQuotas(t *testing.T) {
	generic := map[string]int{"volumes": 50, "snapshots": 50, "gigabytes": 2000, "backups": 10, "backup_gigabytes": 1000, "per_volume_gigabytes": -1}
	with := func(extra map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range generic {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name        string
		mutate      func(*Snapshot)
		facts       func(*Facts)
		types       []VolumeTypeMap
		wantVolume  map[string]int
		wantSkipped []Skipped
		wantErrs    []errText
	}{
		{
			name:       "many to one is summed",
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTFst}},
			wantVolume: with(map[string]int{"gigabytes_fast": 150, "volumes_fast": 30, "snapshots_fast": -1}),
		},
		{
			name: "unlimited is never summed into a number",
			mutate: func(s *Snapshot) {
				s.Quotas.Volume["gigabytes_ssd"], s.Quotas.Volume["gigabytes_hdd"] = -1, 100
				s.Quotas.Volume["volumes_ssd"], s.Quotas.Volume["volumes_hdd"] = 10, -1
			},
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTFst}},
			wantVolume: with(map[string]int{"gigabytes_fast": -1, "volumes_fast": -1, "snapshots_fast": -1}),
		},
		{
			name:       "one to one renames",
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTSSD}},
			wantVolume: with(map[string]int{"gigabytes_fast": 100, "volumes_fast": 10, "snapshots_fast": -1, "gigabytes_ssd": 50, "volumes_ssd": 20, "snapshots_ssd": 5}),
		},
		{
			name:       "an unmapped type's limits pass through unchanged",
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}},
			wantVolume: with(map[string]int{"gigabytes_fast": 100, "volumes_fast": 10, "snapshots_fast": -1, "gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5}),
		},
		{
			// limits of an unmapped type add to those mapped onto its name; its unlimited values are
			// left out, so they do not wipe out the mapped limits
			name:       "an unmapped type landing on a mapped one",
			types:      []VolumeTypeMap{{fxVTHDD, fxDVTSSD}},
			wantVolume: with(map[string]int{"gigabytes_ssd": 150, "volumes_ssd": 30, "snapshots_ssd": 5}),
		},
		{
			name:  "an unmapped type with limits and no destination type of its name",
			facts: func(f *Facts) { f.VolumeTypes = f.VolumeTypes[2:] }, // only "fast"
			types: []VolumeTypeMap{{fxVTSSD, fxDVTFst}},
			wantErrs: []errText{{Attribute: "mappings.volume_types", Value: "hdd",
				Message: `the source volume type has per-type quotas (gigabytes_hdd=50, snapshots_hdd=5, volumes_hdd=20) but the destination has no volume type named "hdd": map it with mappings.volume_types`}},
		},
		{
			// Cinder lists unlimited per-type quotas for every type of the region: they are left out
			// (neither planned nor reported), whether or not the destination has a type of that name
			name: "an unmapped type with only unlimited values is left out, not an error",
			mutate: func(s *Snapshot) {
				s.VolumeTypes = append(s.VolumeTypes, openstack.VolumeType{ID: "vt-archive", Name: "archive"})
				s.Quotas.Volume["gigabytes_archive"], s.Quotas.Volume["volumes_archive"], s.Quotas.Volume["snapshots_archive"] = -1, -1, -1
			},
			wantVolume: with(map[string]int{"gigabytes_ssd": 100, "volumes_ssd": 10, "gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5}),
		},
		{
			name: "a mapped type keeps its unlimited values",
			mutate: func(s *Snapshot) {
				s.Quotas.Volume["volumes_hdd"] = -1
			},
			types:      []VolumeTypeMap{{fxVTHDD, fxDVTSSD}},
			wantVolume: with(map[string]int{"gigabytes_ssd": 150, "volumes_ssd": -1, "snapshots_ssd": 5}),
		},
		{
			name: "an unmapped type with a limit and an unlimited value keeps the limit only",
			mutate: func(s *Snapshot) {
				s.Quotas.Volume["volumes_hdd"] = -1
			},
			wantVolume: with(map[string]int{"gigabytes_ssd": 100, "volumes_ssd": 10, "gigabytes_hdd": 50, "snapshots_hdd": 5}),
		},
		{
			// a type created between the reads of the type list and of the quotas
			name: "an unlimited per-type key of a type the source does not list is left out",
			mutate: func(s *Snapshot) {
				s.Quotas.Volume["gigabytes_brand-new"], s.Quotas.Volume["volumes_brand-new"] = -1, -1
			},
			wantVolume: with(map[string]int{"gigabytes_ssd": 100, "volumes_ssd": 10, "gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5}),
		},
		{
			name: "a per-type key of a type the source does not know is an ordinary key",
			mutate: func(s *Snapshot) {
				s.Quotas.Volume["gigabytes_lvmdriver-1"] = 7
			},
			wantVolume: with(map[string]int{"gigabytes_ssd": 100, "volumes_ssd": 10, "gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5, "gigabytes_lvmdriver-1": 7}),
		},
		{
			name:  "unknown source type uuid",
			types: []VolumeTypeMap{{"vt-gone", fxDVTFst}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[0].src_type_uuid", Value: "vt-gone",
				Message: "is not a volume type available in the source tenant"}},
		},
		{
			name:  "unknown destination type uuid",
			types: []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, "dvt-gone"}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[1].dst_type_uuid", Value: "dvt-gone",
				Message: "is not a volume type of the destination offering"}},
		},
		{
			name:  "destination uuid of a source type",
			types: []VolumeTypeMap{{fxVTSSD, fxVTHDD}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[0].dst_type_uuid", Value: fxVTHDD,
				Message: "is not a volume type of the destination offering"}},
		},
		{
			name:  "both unknown",
			types: []VolumeTypeMap{{"vt-gone", "dvt-gone"}},
			wantErrs: []errText{
				{Attribute: "mappings.volume_types[0].src_type_uuid", Value: "vt-gone", Message: "is not a volume type available in the source tenant"},
				{Attribute: "mappings.volume_types[0].dst_type_uuid", Value: "dvt-gone", Message: "is not a volume type of the destination offering"},
			},
		},
		{
			name:  "a source type mapped twice",
			types: []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTSSD, fxDVTHDD}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[1].src_type_uuid", Value: fxVTSSD,
				Message: "is already mapped by mappings.volume_types[0]"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, facts := threeTier(), baseFacts()
			if tt.mutate != nil {
				tt.mutate(snap)
			}
			if tt.facts != nil {
				tt.facts(&facts)
			}
			m := Mappings{VolumeTypes: tt.types}
			if tt.wantErrs != nil {
				assertEqual(t, "errors", errTexts(mustFail(t, snap, m, facts)), tt.wantErrs)
				return
			}
			p := mustPlan(t, snap, m, facts)
			assertEqual(t, "volume quotas", p.Quotas.Volume, tt.wantVolume)
			assertEqual(t, "compute quotas", p.Quotas.Compute, snap.Quotas.Compute)
			assertEqual(t, "network quotas", p.Quotas.Network, snap.Quotas.Network)
			assertEqual(t, "skipped quotas", skippedOf(p, "volume_type_quota"), tt.wantSkipped)
		})
	}
}

// A destination that decides the quotas itself (Waldur orders its marketplace limits) has them taken as
// they are; the volume type map is still checked, and the source's per-type keys are not carried.
func TestQuotasDecidedByTheDestination(t *testing.T) {
	snap, facts := threeTier(), baseFacts()
	facts.VolumeTypes = facts.VolumeTypes[2:] // only "fast": the source's types have no namesake
	facts.Quotas = &Quotas{Compute: map[string]int{"cores": 4}, Network: map[string]int{}, Volume: map[string]int{"storage": 100}}
	p := mustPlan(t, snap, Mappings{}, facts)
	assertEqual(t, "quotas", p.Quotas, *facts.Quotas)
	assertEqual(t, "skipped quotas", skippedOf(p, "volume_type_quota"), []Skipped(nil))
	p.Quotas.Compute["cores"] = 8
	if facts.Quotas.Compute["cores"] != 4 {
		t.Error("the plan shares its quotas with the facts")
	}
	errs := mustFail(t, snap, Mappings{VolumeTypes: []VolumeTypeMap{{"vt-gone", fxDVTFst}}}, facts)
	assertEqual(t, "errors", errTexts(errs), []errText{{Attribute: "mappings.volume_types[0].src_type_uuid", Value: "vt-gone",
		Message: "is not a volume type available in the source tenant"}})
}

// A volume type created in either region between two plans of the same inputs must not change the plan:
// Terraform refuses an apply whose final plan differs from the one it showed ("Provider produced
// inconsistent final plan"). Cinder lists an unlimited quota of each kind for every type of its region.
func TestNewVolumeTypeDoesNotChangeThePlan(t *testing.T) {
	newType := func(s *Snapshot, f *Facts, inSource, inDestination bool) {
		if inSource {
			s.VolumeTypes = append(s.VolumeTypes, openstack.VolumeType{ID: "vt-new", Name: "new"})
			for _, pre := range perTypeQuotaPrefixes {
				s.Quotas.Volume[pre+"new"] = Unlimited
			}
		}
		if inDestination {
			f.VolumeTypes = append(f.VolumeTypes, openstack.VolumeType{ID: "dvt-new", Name: "new"})
		}
	}
	for _, m := range []Mappings{{}, {VolumeTypes: []VolumeTypeMap{{fxVTSSD, fxDVTFst}}}, {VolumeTypes: []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTFst}}}} {
		snap, facts := threeTier(), baseFacts()
		before := mustPlan(t, snap, m, facts)
		for _, where := range []struct {
			name             string
			source, destSide bool
		}{{"source", true, false}, {"destination", false, true}, {"both (one region)", true, true}} {
			t.Run(where.name, func(t *testing.T) {
				snap, facts := threeTier(), baseFacts()
				newType(snap, &facts, where.source, where.destSide)
				after := mustPlan(t, snap, m, facts)
				assertEqual(t, "volume quotas", after.Quotas, before.Quotas)
				assertEqual(t, "skipped", after.Skipped, before.Skipped)
			})
		}
	}
}

// A source quota below what the copy holds (lowered after the objects were made, or counting objects
// Neutron makes itself) is raised to the count on the destination, which would refuse the objects over
// it, and reported; quotas at or above the count, and unlimited ones, are kept.
func TestQuotasBelowTheCopy(t *testing.T) {
	snap := withFloatingIPs()
	low := map[string]int{
		"network": 1, "subnet": 3, "router": 0, "port": 9, "security_group": 2, "security_group_rule": 16,
		"floatingip": 3,
	}
	for k, v := range low {
		snap.Quotas.Network[k] = v
	}
	snap.Quotas.Compute["server_groups"] = 1
	p := mustPlan(t, snap, Mappings{SyncInstancePorts: true}, baseFacts())
	// ports: 6 instance and VIP ports, 3 router interfaces, 1 DHCP port on a copied network
	assertEqual(t, "network quotas", p.Quotas.Network, map[string]int{
		"network": 3, "subnet": 3, "router": 1, "port": 10, "security_group": 4, "security_group_rule": 17, "floatingip": 5,
	})
	assertEqual(t, "server_groups quota", p.Quotas.Compute["server_groups"], 2)
	reason := func(service, key string, limit, need int) Skipped {
		return Skipped{Kind: "quota", SourceID: service + "." + key, Reason: fmt.Sprintf(
			"the source's %s quota %s = %d is below the %d the copy needs: raised to %d on the destination, which would refuse the objects over it",
			service, key, limit, need, need)}
	}
	assertEqual(t, "reported", skippedOf(p, "quota"), []Skipped{
		reason("network", "floatingip", 3, 5), reason("network", "network", 1, 3), reason("network", "port", 9, 10),
		reason("network", "router", 0, 1), reason("network", "security_group", 2, 4), reason("network", "security_group_rule", 16, 17),
		reason("compute", "server_groups", 1, 2),
	})
	if snap.Quotas.Network["network"] != 1 {
		t.Error("raising the plan's quotas changed the snapshot's")
	}

	// Without ports the instance ports do not count; unlimited quotas stay unlimited.
	snap = threeTier()
	snap.Quotas.Network["port"], snap.Quotas.Network["network"] = 4, Unlimited
	p = mustPlan(t, snap, Mappings{}, baseFacts())
	assertEqual(t, "port quota", p.Quotas.Network["port"], 4)
	assertEqual(t, "network quota", p.Quotas.Network["network"], Unlimited)
	assertEqual(t, "reported", skippedOf(p, "quota"), []Skipped(nil))

	// A destination that decides the quotas itself keeps them.
	facts := baseFacts()
	facts.Quotas = &Quotas{Compute: map[string]int{}, Network: map[string]int{"network": 1}, Volume: map[string]int{}}
	p = mustPlan(t, threeTier(), Mappings{}, facts)
	assertEqual(t, "decided network quota", p.Quotas.Network["network"], 1)
}

// Rules are counted at their peak while the copy is built: a group planned with fewer rules than Neutron
// gives a new one (two egress rules) holds those until its rules are synced, while other groups' rules
// are created; the default group has four.
func TestRuleQuotaCountsNeutronsAutomaticRules(t *testing.T) {
	snap := threeTier()
	p := mustPlan(t, snap, Mappings{}, baseFacts())
	network, _ := quotaNeeds(snap, p)
	assertEqual(t, "rules needed", network["security_group_rule"], len(p.Rules))

	// An empty group, and a default group with one rule only.
	snap.SecurityGroups = append(snap.SecurityGroups, openstack.SecurityGroup{ID: "sg-empty", ProjectID: fxProject, Name: "marker"})
	var defaultID string
	for _, g := range snap.SecurityGroups {
		if g.Name == "default" {
			defaultID = g.ID
		}
	}
	kept, dropped := 0, 0
	rules := snap.Rules[:0]
	for _, r := range snap.Rules {
		if r.SecurityGroupID == defaultID {
			if kept == 1 {
				dropped++
				continue
			}
			kept++
		}
		rules = append(rules, r)
	}
	snap.Rules = rules
	if defaultID == "" || kept != 1 {
		t.Fatalf("the fixture's default group (%q) has %d rules, the test needs at least 1", defaultID, kept)
	}
	p = mustPlan(t, snap, Mappings{}, baseFacts())
	network, _ = quotaNeeds(snap, p)
	// the default group counts 4 instead of its 1 rule, the empty group 2
	assertEqual(t, "rules needed", network["security_group_rule"], len(p.Rules)+(autoRulesDefaultGroup-1)+autoRulesNewGroup)
}
