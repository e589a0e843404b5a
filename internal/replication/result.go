package replication

// Result is what a run built: ids on the destination, the new user's credentials, maps from source id to
// destination id per object type, what was skipped and why, and how many objects were created or adopted
// (found from an earlier run) per kind. A failed or cancelled run returns the partial Result too.
type Result struct {
	ProjectID          string
	Credentials        Credentials
	Networks           map[string]string
	Subnets            map[string]string
	Routers            map[string]string
	SecurityGroups     map[string]string
	SecurityGroupRules map[string]string
	AddressGroups      map[string]string
	Ports              map[string]string
	Skipped            []Skipped
	Created            map[string]int
	Adopted            map[string]int
	// Removed counts destination objects deleted to match the source (Neutron's automatic rules).
	Removed map[string]int
}

// Credentials of the user created in the destination project. The password is a secret: never log it.
type Credentials struct {
	UserID   string
	Username string
	Password string
}

func newResult(p *Plan) *Result {
	return &Result{
		Networks: map[string]string{}, Subnets: map[string]string{}, Routers: map[string]string{},
		SecurityGroups: map[string]string{}, SecurityGroupRules: map[string]string{}, AddressGroups: map[string]string{}, Ports: map[string]string{},
		Skipped: append([]Skipped(nil), p.Skipped...), Created: map[string]int{}, Adopted: map[string]int{}, Removed: map[string]int{},
	}
}

// Progress reports one finished step of a run: how many objects of a kind were created and adopted, out
// of how many planned.
type Progress struct {
	Step    string
	Kind    string
	Created int
	Adopted int
	Total   int
}
