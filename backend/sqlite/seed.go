package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// SeedOptions shape a generated data set for development and benchmarks.
type SeedOptions struct {
	Accounts int // accounts to create, 10 per client
	Events   int // history events in total, exactly
	// Now is the end of the generated history; zero means time.Now().
	Now time.Time
	// Days is how far back the history goes; zero means 180 (with 1,000
	// events per account, a check about every 4 hours).
	Days int
	// Seed makes the data set reproducible; the same options give the same data.
	Seed uint64
}

// SeedStats says what Seed wrote.
type SeedStats struct {
	Clients  int           `json:"clients"`
	Accounts int           `json:"accounts"`
	Deleted  int           `json:"deleted"`
	Events   int           `json:"events"`
	Elapsed  time.Duration `json:"elapsed"`
}

var seedProviders = []struct {
	id, name string
	refresh  bool // renews with a refresh token
	exchange bool // renews by exchange (Facebook, Instagram): refreshed events carry new expiries
	lifetime time.Duration
}{
	{"facebook", "Facebook", false, true, 60 * 24 * time.Hour},
	{"instagram", "Instagram", false, true, 60 * 24 * time.Hour},
	{"google", "Google", true, false, time.Hour},
	{"linkedin", "LinkedIn", true, false, 60 * 24 * time.Hour},
	{"x", "X", true, false, 2 * time.Hour},
	{"tiktok", "TikTok", true, false, 24 * time.Hour},
	{"pinterest", "Pinterest", true, false, 30 * 24 * time.Hour},
	{"microsoft", "Microsoft", true, false, time.Hour},
}

var (
	seedAdjectives = []string{"Acme", "Blue Harbor", "Golden", "Northside", "Little", "Urban", "Maple", "Silver", "Bright", "Riverside", "Summit", "Coastal"}
	seedNouns      = []string{"Bakery", "Dental", "Yoga", "Florist", "Coffee", "Fitness", "Books", "Garage", "Studio", "Pets", "Kitchen", "Salon"}
	// Verdicts that break an account, and reasons of checks without a
	// verdict, as backend/monitor writes them.
	seedBreaking  = []string{backend.ReasonRevoked, backend.ReasonPasswordChanged, backend.ReasonRevoked, backend.ReasonCheckpoint, backend.ReasonExpired, backend.ReasonPermissionLost, backend.ReasonUnknown}
	seedTransient = []string{backend.ReasonNetwork, backend.ReasonRateLimited, backend.ReasonProviderDown, backend.ReasonNetwork}
)

// seedKind codes keep a million generated events small in memory.
const (
	skImported uint8 = iota
	skConnected
	skChecked
	skCheckFailed
	skRefreshed
	skReconnected
	skRenamed
	skRevoked
	skDeleted
)

type seedEvent struct {
	ms      int64
	account int32
	kind    uint8
	reason  uint8 // index into seedBreaking (+1) or seedTransient (+100); 0 none
	expires int64 // unix ms of a new expiry, 0 none
}

type seedAccount struct {
	id, label  string
	client     int
	provider   int
	created    int64
	deleted    int64 // 0: not deleted
	n          int   // events
	broken     uint8 // ongoing incident reason (+1), 0 none
	expires    int64
	refreshExp int64
}

// Seed fills an empty database with a realistic, reproducible data set:
// clients, accounts (metadata only: no token is written anywhere, seeded
// accounts have none in the keychain) and a history of imports, connects,
// routine checks, transient failures, incidents that end with a reconnect
// or a successful check, renewals, renames and deletions. Everything goes in
// one transaction with batched multi-row inserts.
func (db *DB) Seed(ctx context.Context, o SeedOptions) (*SeedStats, error) {
	start := time.Now()
	if o.Accounts <= 0 || o.Events < 2*o.Accounts {
		return nil, backend.Errorf(backend.EINVALID, "Seeding needs at least one account and two events per account.")
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Days <= 0 {
		o.Days = 180
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM events)").Scan(&n); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if n > 0 {
		return nil, backend.Errorf(backend.ECONFLICT, "The data folder is not empty; seeding would mix made-up accounts with real ones.").
			WithHint("Seed a new folder: tokenwarden --data-dir /tmp/tw-seed dev seed ...")
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x70c3e4a7d3))
	end := o.Now.UTC().UnixMilli()
	span := int64(o.Days) * dayMS
	begin := end - span

	nClients := max(1, o.Accounts/10)
	clients := make([]*backend.Client, nClients)
	for i := range clients {
		name := fmt.Sprintf("%s %s %d", seedAdjectives[i%len(seedAdjectives)], seedNouns[(i/len(seedAdjectives))%len(seedNouns)], i+1)
		clients[i] = &backend.Client{ID: seedID(rng, "cli"), Name: name, CreatedAt: time.UnixMilli(begin - dayMS + int64(i)*1000).UTC()}
	}
	accounts := make([]*seedAccount, o.Accounts)
	var lifeSum int64
	same := map[[2]int]int{} // accounts per client and provider, for distinct labels
	for i := range accounts {
		a := &seedAccount{id: seedID(rng, "acc"), client: i % nClients, provider: (i / nClients) % len(seedProviders)}
		a.label = fmt.Sprintf("%s %s", seedProviders[a.provider].name, strings.Fields(clients[a.client].Name)[0])
		if n := same[[2]int{a.client, a.provider}]; n > 0 {
			a.label += fmt.Sprintf(" %d", n+1)
		}
		same[[2]int{a.client, a.provider}]++
		if rng.IntN(100) < 85 {
			a.created = begin + rng.Int64N(span/10)
		} else { // created mid-period
			a.created = begin + span/10 + rng.Int64N(span*8/10)
		}
		if rng.IntN(100) < 4 {
			a.deleted = a.created + (end-a.created)/4 + rng.Int64N((end-a.created)*3/4)
		}
		lifeSum += a.lifeEnd(end) - a.created
		accounts[i] = a
	}
	// Share the events out by lifetime, exactly o.Events in all.
	left := o.Events
	for i, a := range accounts {
		a.n = max(a.minEvents(), int(int64(o.Events)*(a.lifeEnd(end)-a.created)/lifeSum))
		if i == len(accounts)-1 {
			a.n = max(a.minEvents(), left)
		}
		left -= a.n
	}
	for i := len(accounts) - 1; left < 0 && i >= 0; i-- { // rounding up took too many
		take := min(-left, accounts[i].n-accounts[i].minEvents())
		accounts[i].n -= take
		left += take
	}

	events := make([]seedEvent, 0, o.Events)
	for i, a := range accounts {
		events = a.generate(rng, int32(i), events, end)
	}
	slices.SortStableFunc(events, func(x, y seedEvent) int { return cmp.Compare(x.ms, y.ms) })

	st := &SeedStats{Clients: nClients, Accounts: o.Accounts, Events: len(events)}
	err := db.Update(ctx, func(btx backend.Tx) error {
		tx := btx.(*Tx)
		for _, c := range clients {
			if err := tx.InsertClient(c); err != nil {
				return err
			}
		}
		for _, a := range accounts {
			if a.deleted != 0 {
				st.Deleted++
				continue
			}
			p := seedProviders[a.provider]
			acc := &backend.Account{ID: a.id, ClientID: clients[a.client].ID, Provider: p.id, Label: a.label,
				HasRefreshToken: p.refresh, Invalid: a.broken != 0, CreatedAt: time.UnixMilli(a.created).UTC(),
				UpdatedAt: time.UnixMilli(end).UTC(), Scopes: []string{}}
			if a.broken != 0 {
				acc.Reason = seedBreaking[a.broken-1]
			}
			if a.expires != 0 {
				t := time.UnixMilli(a.expires).UTC()
				acc.ExpiresAt = &t
			}
			if a.refreshExp != 0 {
				t := time.UnixMilli(a.refreshExp).UTC()
				acc.RefreshExpiresAt = &t
			}
			if err := tx.InsertAccount(acc); err != nil {
				return err
			}
		}
		return tx.seedEvents(clients, accounts, events)
	})
	if err != nil {
		return nil, err
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// minEvents is the fewest events an account's story takes: its creation and
// one check, or for a deleted account its creation, revocation and deletion.
func (a *seedAccount) minEvents() int {
	if a.deleted != 0 {
		return 3
	}
	return 2
}

func (a *seedAccount) lifeEnd(end int64) int64 {
	if a.deleted != 0 {
		return a.deleted
	}
	return end
}

// generate appends the account's a.n events: creation first, deletion (two
// events) last when deleted, routine checks with incidents in between.
func (a *seedAccount) generate(rng *rand.Rand, idx int32, out []seedEvent, end int64) []seedEvent {
	p := seedProviders[a.provider]
	life := a.lifeEnd(end) - a.created
	slots := a.n - 1
	if a.deleted != 0 {
		slots -= 2 // the revocation and the deletion
	}
	step := max(int64(1), life/int64(slots+1))
	kind := skImported
	if rng.IntN(2) == 0 {
		kind = skConnected
	}
	first := seedEvent{ms: a.created, account: idx, kind: kind}
	a.setExpiry(&first, p.lifetime, p.refresh, p.id == "linkedin")
	out = append(out, first)

	// Incidents: about one per 120 days of life, lasting a few checks to a
	// few days; one account in 30 ends broken.
	type incident struct {
		from, to int
		reason   uint8
	}
	var incidents []incident
	nInc := int(life/(120*dayMS)) + rng.IntN(2)
	for range nInc {
		from := 1 + rng.IntN(max(1, slots-1))
		length := 1 + rng.IntN(1+rng.IntN(40))
		incidents = append(incidents, incident{from, min(from+length, slots), uint8(1 + rng.IntN(len(seedBreaking)))})
	}
	if a.deleted == 0 && rng.IntN(30) == 0 && slots > 4 {
		incidents = append(incidents, incident{slots - 1 - rng.IntN(min(slots-2, 40)), slots + 1, uint8(1 + rng.IntN(len(seedBreaking)))})
	}
	broken := func(s int) (uint8, bool, bool) { // reason, in an incident, ends here
		for _, in := range incidents {
			if s >= in.from && s < in.to {
				return in.reason, true, false
			}
			if s == in.to {
				return 0, false, true
			}
		}
		return 0, false, false
	}
	refreshEvery := max(1, int((40*dayMS)/step))
	for s := 1; s <= slots; s++ {
		e := seedEvent{ms: a.created + int64(s)*step + rng.Int64N(step/2+1), account: idx, kind: skChecked}
		reason, in, ends := broken(s)
		switch {
		case in:
			e.kind, e.reason = skCheckFailed, reason
			a.broken = reason
		case ends && rng.IntN(10) < 7:
			e.kind = skReconnected
			a.setExpiry(&e, p.lifetime, p.refresh, false)
			a.broken = 0
		case ends:
			a.broken = 0 // fixed at the platform: the next check passes
		case p.exchange && s%refreshEvery == 0:
			e.kind = skRefreshed
			a.setExpiry(&e, p.lifetime, false, false)
		case rng.IntN(1000) < 15:
			e.kind, e.reason = skCheckFailed, uint8(100+rng.IntN(len(seedTransient)))
		case rng.IntN(10000) < 5:
			e.kind = skRenamed
		}
		if s == slots && a.deleted == 0 {
			// The last slot keeps any ongoing incident going.
			if r, in, _ := broken(s); in {
				e.kind, e.reason = skCheckFailed, r
			}
		}
		out = append(out, e)
	}
	if a.deleted != 0 {
		out = append(out, seedEvent{ms: a.deleted, account: idx, kind: skRevoked}, seedEvent{ms: a.deleted, account: idx, kind: skDeleted})
		a.broken = 0
	}
	return out
}

// setExpiry gives an event the expiry of a freshly issued token.
func (a *seedAccount) setExpiry(e *seedEvent, lifetime time.Duration, refresh, fixedRefresh bool) {
	e.expires = e.ms + lifetime.Milliseconds()
	a.expires = e.expires
	if fixedRefresh {
		a.refreshExp = e.ms + 365*dayMS
	}
}

// seedEvents writes the events in batches of multi-row inserts. The events
// table's indexes are dropped first and made again from their own SQL at the
// end (inside the same transaction): building an index over sorted keys
// once is many times faster than updating eight indexes a million times.
func (t *Tx) seedEvents(clients []*backend.Client, accounts []*seedAccount, events []seedEvent) (err error) {
	// A large page cache for this connection while seeding, back to the
	// default afterwards.
	if _, err := t.tx.ExecContext(t.ctx, "PRAGMA cache_size = -262144"); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer func() {
		if _, e := t.tx.ExecContext(t.ctx, "PRAGMA cache_size = -2000"); e != nil && err == nil {
			err = fmt.Errorf("seed: %w", e)
		}
	}()
	return t.withoutEventIndexes(func() error { return t.insertSeedEvents(clients, accounts, events) })
}

func (t *Tx) insertSeedEvents(clients []*backend.Client, accounts []*seedAccount, events []seedEvent) error {
	const batch = 200 // 11 columns: 2,200 parameters per statement
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	full := "INSERT INTO events (time, client_id, client_name, account_id, account_label, provider, kind, outcome, reason, message, details) VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", batch), ", ")
	stmt, err := t.tx.PrepareContext(t.ctx, full)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer stmt.Close()
	args := make([]any, 0, batch*11)
	flush := func(n int) error {
		if n == 0 {
			return nil
		}
		var err error
		if n == batch {
			_, err = stmt.ExecContext(t.ctx, args...)
		} else {
			_, err = t.tx.ExecContext(t.ctx, "INSERT INTO events (time, client_id, client_name, account_id, account_label, provider, kind, outcome, reason, message, details) VALUES "+
				strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), args...)
		}
		args = args[:0]
		if err != nil {
			return fmt.Errorf("seed events: %w", err)
		}
		return nil
	}
	labels := make([]string, len(accounts))  // the label as of now in the history
	expiries := make([]int64, len(accounts)) // the expiry as of now in the history
	for i, a := range accounts {
		labels[i] = a.label
	}
	inBatch := 0
	for _, e := range events {
		a := accounts[e.account]
		c := clients[a.client]
		p := seedProviders[a.provider]
		label := labels[e.account]
		kind, outcome, reason, msg, details := "", backend.OutcomeOK, "", "", "{}"
		expiry := func() string {
			b, _ := json.Marshal(map[string]any{"expires_at": time.UnixMilli(e.expires).UTC(), "has_refresh_token": p.refresh})
			return string(b)
		}
		switch e.kind {
		case skImported:
			kind, msg, details = backend.EventAccountImported, fmt.Sprintf("%s account %q imported by hand.", p.name, label), expiry()
		case skConnected:
			kind, msg, details = backend.EventAccountConnected, fmt.Sprintf("%s account %q connected as %s.", p.name, label, c.Name), expiry()
		case skChecked:
			// As the monitor writes a passed check, with the expiry it saw.
			kind, msg = backend.EventAccountChecked, fmt.Sprintf("Check passed: %s accepts the token of %q.", p.name, label)
			exp := "null"
			if expiries[e.account] != 0 {
				exp = `"` + time.UnixMilli(expiries[e.account]).UTC().Format(time.RFC3339) + `"`
			}
			details = `{"verdict":"valid","status":"healthy","refreshed":false,"expires_at":` + exp + `}`
		case skCheckFailed:
			kind, outcome = backend.EventAccountChecked, backend.OutcomeFailed // a verdict: the platform refused the token
			if e.reason >= 100 {
				kind, reason = backend.EventAccountCheckFailed, seedTransient[e.reason-100] // no verdict
				msg = fmt.Sprintf("Could not check %q: %s Tokenwarden will try again later.", label, backend.Diagnose(reason).Problem)
				details = `{"step":"check"}`
			} else {
				reason = seedBreaking[e.reason-1]
				msg = fmt.Sprintf("Check failed: %s refused the token of %q. %s", p.name, label, backend.Diagnose(reason).Problem)
				details = `{"verdict":"invalid","reason":"` + reason + `"}`
			}
		case skRefreshed:
			kind, msg, details = backend.EventAccountRefreshed, fmt.Sprintf("Token renewed; valid until %s.", time.UnixMilli(e.expires).UTC().Format(time.DateOnly)), expiry()
		case skReconnected:
			kind, msg, details = backend.EventAccountReconnected, fmt.Sprintf("%s account %q reconnected as %s.", p.name, label, c.Name), expiry()
		case skRenamed:
			kind, outcome = backend.EventAccountRenamed, backend.OutcomeOK
			newLabel := label + " (main)"
			if strings.HasSuffix(label, " (main)") {
				newLabel = strings.TrimSuffix(label, " (main)")
			}
			msg = fmt.Sprintf("Account %q renamed to %q.", label, newLabel)
			b, _ := json.Marshal(map[string]any{"old_label": label, "new_label": newLabel})
			details = string(b)
			labels[e.account], label = newLabel, newLabel
		case skRevoked:
			kind, msg = backend.EventAccountRevoked, fmt.Sprintf("Tokens of %q revoked at the platform.", label)
		case skDeleted:
			kind, msg, details = backend.EventAccountDeleted, fmt.Sprintf("Account %q deleted; its tokens were removed from the keychain.", label), `{"revoked":true}`
		}
		if e.expires != 0 {
			expiries[e.account] = e.expires
		}
		args = append(args, e.ms, c.ID, c.Name, a.id, label, p.id, kind, outcome, reason, msg, details)
		if inBatch++; inBatch == batch {
			if err := flush(batch); err != nil {
				return err
			}
			inBatch = 0
		}
	}
	if err := flush(inBatch); err != nil {
		return err
	}
	// Accounts' labels end as the history left them.
	for i, a := range accounts {
		if a.deleted == 0 && labels[i] != a.label {
			if _, err := t.tx.ExecContext(t.ctx, "UPDATE accounts SET label = ? WHERE id = ?", labels[i], a.id); err != nil {
				return fmt.Errorf("seed: %w", err)
			}
		}
	}
	return nil
}

func seedID(rng *rand.Rand, prefix string) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return prefix + "_" + string(b)
}
