package standalone

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// planReuseWindow is how old a plan may be for a run to execute it instead of reading the source again.
//
// Terraform plans every resource again right before it applies it (ModifyPlan runs in the apply, with
// every value known, and its answer is what Create and Update receive), in the provider process that
// then applies. The run executes that plan: what the user saw in the preview is what is built, and a
// large tenant is not read a second time within seconds (issue 17: an apply read the source three
// times, a sync up to six). The window is short, so that a run started long after any plan (a resource
// applied after a long chain of others, a test calling the backend directly) reads afresh; a source
// change in the window is one the plan did not show either, and the next plan of a replica shows it.
const planReuseWindow = 2 * time.Minute

// planCache holds the latest plan made for each set of inputs in this provider process.
type planCache struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]cachedPlan
}

type cachedPlan struct {
	plan *replication.Plan
	at   time.Time
}

// planKey is what decides a plan among the inputs: everything but how many steps run at once and
// whether copies without a source are removed (Execute's options, not the plan's).
func planKey(in backend.Inputs) string {
	in.Concurrency, in.FollowSource = 0, false
	b, err := json.Marshal(in) // maps are written in key order: equal inputs give equal keys
	if err != nil {
		return ""
	}
	return string(b)
}

// remember records p as the plan of in, made now, and returns it.
func (c *planCache) remember(in backend.Inputs, p *replication.Plan) *replication.Plan {
	key := planKey(in)
	if p == nil || key == "" {
		return p
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock()
	for k, e := range c.entries { // one live entry per migration at most: drop the stale ones
		if now.Sub(e.at) > planReuseWindow {
			delete(c.entries, k)
		}
	}
	if c.entries == nil {
		c.entries = map[string]cachedPlan{}
	}
	c.entries[key] = cachedPlan{plan: p, at: now}
	return p
}

// recent returns the plan of in made within planReuseWindow, and forgets it: a run executes a plan
// once, and the next run (a resume after a failure) plans again.
func (c *planCache) recent(in backend.Inputs) (*replication.Plan, time.Duration, bool) {
	key := planKey(in)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, 0, false
	}
	delete(c.entries, key)
	age := c.clock().Sub(e.at)
	if age > planReuseWindow || age < 0 {
		return nil, 0, false
	}
	return e.plan, age, true
}

func (c *planCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// execute runs the migration: the plan made for the same inputs moments ago (see planReuseWindow) when
// there is one, otherwise a plan made now from the source as it is.
func (b *Backend) execute(ctx context.Context, mig replication.Migration, in backend.Inputs, opts replication.Options) (*replication.Plan, *replication.Result, error) {
	if p, age, ok := b.plans.recent(in); ok {
		b.log.Info(ctx, "Executing the plan Terraform made moments ago, without reading the source again",
			map[string]any{"plan_age": age.Round(time.Millisecond).String()})
		res, err := replication.Execute(ctx, mig.Destination, p, opts)
		return p, res, err
	}
	return mig.Run(ctx, opts)
}
