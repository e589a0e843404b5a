package waldurtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 10
	maxPageSize     = 300
)

// filter is one query parameter of a list, as django-filter applies it.
type filter[T any] struct {
	param string
	uuid  bool // the value must be a uuid ("Enter a valid UUID." otherwise), compared normalised
	multi bool // the parameter may repeat; an item matches any value
	match func(item T, value string) bool
}

// exact matches a field exactly ("name_exact").
func exact[T any](param string, get func(T) string) filter[T] {
	return filter[T]{param: param, match: func(it T, v string) bool { return get(it) == v }}
}

// icontains matches a case-insensitive substring ("name").
func icontains[T any](param string, get func(T) string) filter[T] {
	return filter[T]{param: param, match: func(it T, v string) bool {
		return strings.Contains(strings.ToLower(get(it)), strings.ToLower(v))
	}}
}

// uuidEq matches a uuid field.
func uuidEq[T any](param string, get func(T) string) filter[T] {
	return filter[T]{param: param, uuid: true, match: func(it T, v string) bool { return get(it) == v }}
}

// uuidWith matches a uuid through a custom relation.
func uuidWith[T any](param string, match func(T, string) bool) filter[T] {
	return filter[T]{param: param, uuid: true, match: match}
}

// anyOf matches any of the repeated values exactly ("type", "state").
func anyOf[T any](param string, get func(T) string) filter[T] {
	return filter[T]{param: param, multi: true, match: func(it T, v string) bool { return get(it) == v }}
}

// boolEq matches a boolean field; values other than true/false are ignored, as django-filter does.
func boolEq[T any](param string, get func(T) bool) filter[T] {
	return filter[T]{param: param, match: func(it T, v string) bool {
		switch strings.ToLower(v) {
		case "true", "1":
			return get(it)
		case "false", "0":
			return !get(it)
		}
		return true
	}}
}

// applyFilters keeps the items matching every given parameter. Unknown parameters are ignored, as
// Waldur ignores them. A malformed uuid answers 400 with django-filter's message.
func applyFilters[T any](q url.Values, items []T, fs []filter[T]) ([]T, map[string]any) {
	errs := map[string]any{}
	for _, f := range fs {
		values := q[f.param]
		if len(values) == 0 {
			continue
		}
		if !f.multi {
			values = values[len(values)-1:]
			if values[0] == "" {
				continue
			}
		}
		if f.uuid {
			for i, v := range values {
				n, ok := normUUID(v)
				if !ok {
					errs[f.param] = []string{"Enter a valid UUID."}
				}
				values[i] = n
			}
			if errs[f.param] != nil {
				continue
			}
		}
		var kept []T
		for _, it := range items {
			for _, v := range values {
				if f.match(it, v) {
					kept = append(kept, it)
					break
				}
			}
		}
		items = kept
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return items, nil
}

// list filters items and writes one page of them, or the count for HEAD.
func list[T any](req *request, items []T, fs []filter[T], render func(T) map[string]any) {
	items, errs := applyFilters(req.r.URL.Query(), items, fs)
	if errs != nil {
		writeJSON(req.w, http.StatusBadRequest, errs)
		return
	}
	writePage(req, items, render)
}

// writePage paginates like Waldur's LinkHeaderPagination: page and page_size (default 10, at most 300)
// query parameters, the total in X-Result-Count, and first/prev/next/last links in the Link header.
func writePage[T any](req *request, items []T, render func(T) map[string]any) {
	r, w := req.r, req.w
	q := r.URL.Query()
	total := len(items)
	w.Header().Set("X-Result-Count", strconv.Itoa(total))
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	size := defaultPageSize
	if v := q.Get("page_size"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			size = min(n, maxPageSize)
		}
	}
	pages := max(1, (total+size-1)/size)
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case v == "last":
			page = pages
		case err != nil || n < 1 || n > pages:
			w.Header().Del("X-Result-Count")
			detail(w, http.StatusNotFound, "Invalid page.")
			return
		default:
			page = n
		}
	}
	lo, hi := (page-1)*size, min(page*size, total)
	out := make([]map[string]any, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, render(it))
	}
	self := absoluteURL(req)
	link := func(p int) string {
		u := *self
		qq := u.Query()
		if p == 1 {
			qq.Del("page")
		} else {
			qq.Set("page", strconv.Itoa(p))
		}
		u.RawQuery = qq.Encode()
		return u.String()
	}
	links := []string{fmt.Sprintf("<%s>; rel=\"first\"", link(1))}
	if page > 1 {
		links = append(links, fmt.Sprintf("<%s>; rel=\"prev\"", link(page-1)))
	}
	if page < pages {
		links = append(links, fmt.Sprintf("<%s>; rel=\"next\"", link(page+1)))
	}
	links = append(links, fmt.Sprintf("<%s>; rel=\"last\"", link(pages)))
	w.Header().Set("Link", strings.Join(links, ", "))
	writeJSON(w, http.StatusOK, out)
}

func absoluteURL(req *request) *url.URL {
	u := *req.r.URL
	if req.r.TLS != nil {
		u.Scheme = "https"
	} else {
		u.Scheme = "http"
	}
	u.Host = req.r.Host
	return &u
}

// collection serves a read-only collection: list (GET, HEAD) and detail (GET).
func collection[T any](req *request, c *coll[T], visible func(*T) bool, fs []filter[*T], render func(*T) map[string]any) {
	switch len(req.segs) {
	case 0:
		if req.r.Method != http.MethodGet && req.r.Method != http.MethodHead {
			methodNotAllowed(req.w, req.r)
			return
		}
		var items []*T
		for _, it := range c.all() {
			if visible == nil || visible(it) {
				items = append(items, it)
			}
		}
		list(req, items, fs, render)
	case 1:
		if req.r.Method != http.MethodGet && req.r.Method != http.MethodHead {
			methodNotAllowed(req.w, req.r)
			return
		}
		it := c.get(req.segs[0])
		if it == nil || (visible != nil && !visible(it)) {
			notFound(req.w)
			return
		}
		writeJSON(req.w, http.StatusOK, render(it))
	default:
		htmlError(req.w, http.StatusNotFound)
	}
}
