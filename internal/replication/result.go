package replication

// Result is what a run built: ids on the destination, the new user's credentials, maps from source id to
// destination id per object type, what was skipped and why, and how many objects were created, adopted
// (found from an earlier run), updated (adopted and changed in place to match the plan) and removed per
// kind. A failed or cancelled run returns the partial Result too.
type Result struct {
	ProjectID   string
	Credentials Credentials
	IDMaps
	Skipped []Skipped
	Created map[string]int
	Adopted map[string]int
	// Updated counts adopted objects changed in place (attributes, tags; quotas per service).
	Updated map[string]int
	// Removed counts destination objects deleted to match the source: Neutron's automatic rules, rules
	// the source no longer has, router interfaces no longer planned, replaced subnets and, with
	// Options.Prune, the copies whose source is gone.
	Removed map[string]int
}

// Credentials of the user created in the destination project. The password is a secret: never log it.
type Credentials struct {
	UserID   string
	Username string
	Password string
}

// IDMaps map source ids to destination ids, per kind of object copied.
type IDMaps struct {
	Networks           map[string]string
	Subnets            map[string]string
	Routers            map[string]string
	SecurityGroups     map[string]string
	SecurityGroupRules map[string]string
	AddressGroups      map[string]string
	Ports              map[string]string
	FloatingIPs        map[string]string
	ServerGroups       map[string]string
	// FloatingIPAddresses maps each copied floating IP's source address to its copy's address (an
	// address cannot move between external networks: DNS and firewalls follow this map). Not an id
	// map: Kinds leaves it out.
	FloatingIPAddresses map[string]string
}

// NewIDMaps returns IDMaps with every map empty, ready to fill.
func NewIDMaps() IDMaps {
	return IDMaps{
		Networks: map[string]string{}, Subnets: map[string]string{}, Routers: map[string]string{},
		SecurityGroups: map[string]string{}, SecurityGroupRules: map[string]string{}, AddressGroups: map[string]string{}, Ports: map[string]string{},
		FloatingIPs: map[string]string{}, ServerGroups: map[string]string{}, FloatingIPAddresses: map[string]string{},
	}
}

// Kinds lists the maps with the kind of object each holds, in the order messages name them.
func (m *IDMaps) Kinds() []IDMapKind {
	return []IDMapKind{
		{"network", &m.Networks}, {"subnet", &m.Subnets}, {"router", &m.Routers},
		{"security group", &m.SecurityGroups}, {"security group rule", &m.SecurityGroupRules},
		{"address group", &m.AddressGroups}, {"port", &m.Ports}, {"floating IP", &m.FloatingIPs},
		{"server group", &m.ServerGroups},
	}
}

// IDMapKind is one of the maps of IDMaps, by the kind of object it holds.
type IDMapKind struct {
	Kind string
	IDs  *map[string]string
}

func newResult(p *Plan) *Result {
	return &Result{
		IDMaps:  NewIDMaps(),
		Skipped: append([]Skipped(nil), p.Skipped...), Created: map[string]int{}, Adopted: map[string]int{}, Updated: map[string]int{}, Removed: map[string]int{},
	}
}

// Progress reports one finished step of a run: how many objects of a kind were created and adopted, out
// of how many planned, and how many of the adopted were updated, and how many removed.
type Progress struct {
	Step    string
	Kind    string
	Created int
	Adopted int
	Total   int
	Updated int
	Removed int
}
