package testlab

import (
	"reflect"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	for seed := range uint64(50) {
		if a, b := Generate(seed), Generate(seed); !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d gives two different specs", seed)
		}
	}
	if reflect.DeepEqual(Generate(1), Generate(2)) {
		t.Fatal("seeds 1 and 2 give the same spec")
	}
}

// Over a few hundred seeds the generator reaches every IPv6 mode pair, every kind of port and of rule remote.
func TestGenerateCovers(t *testing.T) {
	modes, kinds, remotes := map[[2]string]bool{}, map[string]bool{}, map[string]bool{}
	for seed := range uint64(400) {
		g := Generate(seed)
		for _, n := range g.Networks {
			for _, s := range n.Subnets {
				if s.IPVersion == 6 {
					modes[[2]string{s.AddressMode, s.RAMode}] = true
				}
			}
		}
		for _, p := range g.Ports {
			switch {
			case p.Owner == "":
				kinds["unowned"] = true
			case p.DeviceID == "":
				kinds["vip"] = true
			default:
				kinds["instance"] = true
			}
			if p.NoIPs {
				kinds["no ip"] = true
			}
		}
		for _, sg := range g.SecurityGroups {
			for _, r := range sg.Rules {
				switch {
				case r.RemoteGroup == -2 || r.RemoteAddressGroup == -2:
					remotes["foreign"] = true
				case r.RemoteGroup >= 0:
					remotes["group"] = true
				case r.RemoteAddressGroup >= 0:
					remotes["address group"] = true
				case r.RemoteIP != "":
					remotes["prefix"] = true
				}
			}
		}
	}
	if len(modes) != len(ipv6Modes) {
		t.Errorf("IPv6 mode pairs reached: %v, want all %d", modes, len(ipv6Modes))
	}
	if len(kinds) != 4 || len(remotes) != 4 {
		t.Errorf("port kinds %v, rule remotes %v", kinds, remotes)
	}
}
