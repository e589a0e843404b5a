package waldur

import (
	"context"
	"errors"
	"net/http"
)

// User is the token's user as GET /api/users/me/ answers.
type User struct {
	UUID     string `json:"uuid"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	IsStaff  bool   `json:"is_staff"`
}

// CurrentUser reads the token's user (GET /api/users/me/). A migration names its creator
// (created_by_uuid): this is how the client tells the migrations it started from those of others, which a
// staff token also sees.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var u User
	if err := c.getJSON(ctx, "users/me/", &u); err != nil {
		return nil, err
	}
	if u.UUID == "" {
		return nil, errors.New("waldur: GET users/me/ answered no uuid")
	}
	return &u, nil
}

// IsTransient reports an error that says nothing about the object asked for: a 5xx, a 429 or 408, or no
// answer at all (a dropped connection, a timeout). Polling goes on through these; a 4xx is an answer.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	ae, ok := AsAPIError(err)
	if !ok {
		return true
	}
	return ae.Status >= 500 || ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusRequestTimeout
}

// IsAmbiguous reports a failed write that Waldur may have carried out all the same: a 500, 502 or 504,
// or no answer (a dropped connection, the header timeout, a stopped run). 503 and 429 mean it was not
// processed; other statuses are answers.
func IsAmbiguous(err error) bool {
	if err == nil {
		return false
	}
	ae, ok := AsAPIError(err)
	if !ok {
		return true
	}
	switch ae.Status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}
