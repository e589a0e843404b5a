package waldur

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// PageSize is the page size every list asks for: Waldur's maximum.
const PageSize = 300

// maxPages stops a list whose Link headers never end (a misbehaving proxy), far beyond any real list.
const maxPages = 10000

// listAll GETs every page of the list at path with query q and returns all items. It follows the Link
// header's rel="next"; when a proxy has dropped the header, it falls back to page numbers while
// X-Result-Count says more items exist.
func listAll[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	q = cloneValues(q)
	q.Set("page_size", strconv.Itoa(PageSize))
	q.Del("page")
	next := c.endpoint(path, q)
	page := 1
	var all []T
	seen := map[string]bool{}
	for next != "" {
		if seen[next] || len(seen) >= maxPages {
			return nil, fmt.Errorf("waldur: listing %s: pagination does not end (at %s)", path, next)
		}
		seen[next] = true
		resp, err := c.do(ctx, http.MethodGet, next, nil)
		if err != nil {
			return nil, err
		}
		var items []T
		if err := json.Unmarshal(resp.body, &items); err != nil {
			return nil, fmt.Errorf("waldur: decoding page %d of %s: %w (body starts %q)", page, next, err, snippet(resp.body, 200))
		}
		all = append(all, items...)
		link, hasLink := nextLink(resp.header)
		switch {
		case hasLink:
			next = ""
			if link != "" {
				// Only the page number is taken from the link: behind a reverse proxy Waldur may build
				// links with its internal host or scheme, and the token must not travel anywhere else.
				ref, err := url.Parse(link)
				if err != nil {
					return nil, fmt.Errorf("waldur: listing %s: bad next link %q: %w", path, link, err)
				}
				p := ref.Query().Get("page")
				n, err := strconv.Atoi(p)
				if err != nil || n <= page {
					return nil, fmt.Errorf("waldur: listing %s: next link %q has no page after %d", path, link, page)
				}
				page = n
				q.Set("page", p)
				next = c.endpoint(path, q)
			}
		default:
			total, err := strconv.Atoi(resp.header.Get("X-Result-Count"))
			if err != nil || len(items) == 0 || len(all) >= total {
				next = ""
				break
			}
			page++
			q.Set("page", strconv.Itoa(page))
			next = c.endpoint(path, q)
		}
	}
	return all, nil
}

// nextLink returns the rel="next" target of the Link headers. ok is false when there is no Link header
// at all, true (with an empty link) when there are links but none is next: the last page.
func nextLink(h http.Header) (link string, ok bool) {
	values := h.Values("Link")
	if len(values) == 0 {
		return "", false
	}
	for _, v := range values {
		for _, part := range splitLinks(v) {
			target, params, found := strings.Cut(part, ";")
			if !found {
				continue
			}
			target = strings.TrimSpace(target)
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if strings.EqualFold(rel, "next") {
						return target[1 : len(target)-1], true
					}
				}
			}
		}
	}
	return "", true
}

// splitLinks splits a Link header on the commas between links, not those inside <...>.
func splitLinks(v string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range v {
		switch r {
		case '<':
			depth++
		case '>':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				parts = append(parts, v[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, v[start:])
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// filterQuery builds query parameters, skipping empty values.
type filterQuery url.Values

func (f filterQuery) set(key, value string) {
	if value = strings.TrimSpace(value); value != "" {
		url.Values(f).Set(key, value)
	}
}

func (f filterQuery) add(key string, values ...string) {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			url.Values(f).Add(key, v)
		}
	}
}
