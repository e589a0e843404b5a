package replication

// driftFloating adds the floating IPs and server groups to the drift, as ensureFloatingIPs,
// pruneFloatingIPs and ensureServerGroups would change them.
func driftFloating(d *Drift, p *Plan, pr *pairing, ids IDMaps, named func(string, string) string) {
	k := d.kind("floating_ips")
	for _, f := range p.FloatingIPs {
		have, ok := pr.floatingIPs[f.SourceID]
		if !ok {
			k.Add = append(k.Add, named(f.SourceAddress, f.SourceID))
			continue
		}
		portID := ""
		if f.PortSourceID != "" {
			portID = ids.Ports[f.PortSourceID]
		}
		if a := changedAttributes(floatingIPChanges(f, portID, have), tagsDiffer(have.Tags, wantedTags(f.SourceID, f.Marker, f.Tags))); len(a) > 0 {
			k.Change = append(k.Change, Change{named(f.SourceAddress, f.SourceID), a})
		}
	}
	for _, o := range pr.stale.floatingIPs {
		k.Remove = append(k.Remove, named(o.FloatingIPAddress, o.ID))
	}

	k = d.kind("server_groups")
	for _, g := range p.ServerGroups {
		have, ok := pr.serverGroups[g.SourceID]
		switch {
		case !ok:
			k.Add = append(k.Add, named(g.Name, g.SourceID))
		case serverGroupChanged(g, have) && len(have.Members) == 0:
			k.Change = append(k.Change, Change{named(g.Name, g.SourceID), []string{"replaced (name, policy or rules)"}})
		}
	}
	for _, o := range pr.stale.serverGroups {
		if len(o.Members) == 0 {
			k.Remove = append(k.Remove, named(o.Name, o.ID))
		}
	}
}
