package github

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
)

// databaseID reads the database id (the REST API's numeric id) from a
// GraphQL node id, so an event stored from GraphQL has the id the REST
// listing gives it. GitHub documents node ids as opaque; two formats are
// in use and both carry the database id last:
//   - legacy: base64 of "<len>:<Type><id>", e.g. "MDQ6VXNlcjE=" = "04:User1";
//   - current: "<PREFIX>_" then base64url (no padding) of a MessagePack
//     array of integers, e.g. [0, repository id, issue id, event id].
//
// It returns 0 when id is in neither form; the caller then keys the row by
// the node id itself.
func databaseID(id string) int64 {
	if prefix, rest, ok := strings.Cut(id, "_"); ok && prefix != "" && !strings.ContainsAny(prefix, "=+/") {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(rest, "="))
		if err != nil {
			return 0
		}
		return lastMsgpackInt(b)
	}
	b, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return 0
	}
	s := string(b)
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return 0
	}
	i := len(s)
	for i > colon+1 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.ParseInt(s[i:], 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// lastMsgpackInt decodes a MessagePack fixarray of unsigned integers and
// returns its last element (0 for anything else).
func lastMsgpackInt(b []byte) int64 {
	if len(b) == 0 || b[0]&0xf0 != 0x90 {
		return 0
	}
	n, b := int(b[0]&0x0f), b[1:]
	var last uint64
	for range n {
		if len(b) == 0 {
			return 0
		}
		size := map[byte]int{0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8}[b[0]]
		switch {
		case b[0] < 0x80: // positive fixint
			last, b = uint64(b[0]), b[1:]
			continue
		case size == 0 || len(b) < 1+size:
			return 0
		}
		v := b[1 : 1+size]
		switch size {
		case 1:
			last = uint64(v[0])
		case 2:
			last = uint64(binary.BigEndian.Uint16(v))
		case 4:
			last = uint64(binary.BigEndian.Uint32(v))
		case 8:
			last = binary.BigEndian.Uint64(v)
		}
		b = b[1+size:]
	}
	if len(b) != 0 || last == 0 || last > 1<<62 {
		return 0
	}
	return int64(last)
}
