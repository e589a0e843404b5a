package replication

import (
	"crypto/rand"
	"math/big"
	"regexp"
	"strings"
)

// passwordAlphabet leaves out characters that are easily confused when read or typed: 0/O/o, 1/l/I.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

const passwordLength = 24

// newPassword returns a random password from a cryptographic source.
func newPassword() (string, error) { return randomString(passwordAlphabet, passwordLength) }

func randomString(alphabet string, n int) (string, error) {
	var b strings.Builder
	size := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, size)
		if err != nil {
			return "", err
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String(), nil
}

var unsafeUserChars = regexp.MustCompile(`[^a-z0-9._-]+`)

// usernamePrefix derives the user name's stable part from the project name: lower case, safe characters,
// at most 40 long. A random suffix follows it (see newUsername).
func usernamePrefix(projectName string) string {
	p := strings.Trim(unsafeUserChars.ReplaceAllString(strings.ToLower(projectName), "-"), "-.")
	if p == "" {
		p = "tenant"
	}
	if len(p) > 40 {
		p = p[:40]
	}
	return p + "-"
}

func newUsername(projectName string) (string, error) {
	suffix, err := randomString("abcdefghijkmnpqrstuvwxyz23456789", 6)
	return usernamePrefix(projectName) + suffix, err
}
