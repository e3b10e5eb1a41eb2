package monitor

// Tests across real processes: the test binary re-executes itself as a
// child that runs one Check against the same data folder (SQLite file, lock
// files, OS keychain) and a local fake platform. They need the real
// keychain, shared by all processes: run under scripts/with-keyring.

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

func TestMain(m *testing.M) {
	if os.Getenv("MONITOR_TEST_CHILD") == "check" {
		os.Exit(childCheck())
	}
	os.Exit(m.Run())
}

// childResult is what a child prints.
type childResult struct {
	Refreshed bool    `json:"refreshed"`
	Verdict   Verdict `json:"verdict"`
	Error     string  `json:"error"`
}

// childCheck runs Check(force) for MONITOR_TEST_ACCOUNT in MONITOR_TEST_DIR
// against the fake at MONITOR_TEST_URL, with the clock fixed at
// MONITOR_TEST_NOW when set. With MONITOR_TEST_WAIT=1 it prints "ready" and
// waits for a line on stdin first, so that the parent can start many
// children at once.
func childCheck() int {
	dir := os.Getenv("MONITOR_TEST_DIR")
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	defer db.Close()
	now := time.Now
	if s := os.Getenv("MONITOR_TEST_NOW"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		now = func() time.Time { return t }
	}
	kc, err := keychain.Open(dir)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	m := rotorMonitor(db, kc, dir, os.Getenv("MONITOR_TEST_URL"), now)
	if os.Getenv("MONITOR_TEST_WAIT") == "1" {
		if err := kc.Ping(bg); err != nil { // connect to the keychain before the start line
			fmt.Println("error:", err)
			return 1
		}
		fmt.Println("ready")
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			return 1
		}
	}
	r, err := m.Check(bg, os.Getenv("MONITOR_TEST_ACCOUNT"), true)
	out := childResult{}
	if err != nil {
		out.Error = err.Error()
	} else {
		out.Refreshed, out.Verdict = r.Refreshed, r.Verdict
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return 0
}

func childCmd(dir, baseURL, accountID string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"MONITOR_TEST_CHILD=check", "MONITOR_TEST_DIR=" + dir,
		"MONITOR_TEST_URL=" + baseURL, "MONITOR_TEST_ACCOUNT=" + accountID}, env...)...)
	return cmd
}

// rotorWorld is a data folder with one account of the fake platform whose
// tokens are in the real keychain.
type rotorWorld struct {
	dir     string
	store   *sqlite.DB
	kc      *keychain.Keychain
	fake    *rotatingProvider
	account *backend.Account
}

func newRotorWorld(t *testing.T) *rotorWorld {
	dir := t.TempDir()
	w := &rotorWorld{dir: dir, kc: realKeychain(t, dir), store: openStore(t, dir), fake: newRotatingProvider(t)}
	c := &backend.Client{ID: backend.NewID("cli"), Name: "Acme"}
	now := time.Now().UTC().Truncate(time.Millisecond)
	w.account = &backend.Account{ID: backend.NewID("acc"), ClientID: c.ID, Provider: "rotor", Label: "Rotor account",
		ConnectedAt: ptr(now.Add(-day)), LastRefreshedAt: ptr(now.Add(-time.Hour)), ExpiresAt: ptr(now.Add(2 * time.Hour)),
		HasRefreshToken: true, CreatedAt: now.Add(-day)}
	access, refresh := randomToken("at-0"), randomToken("rt-0")
	w.fake.seed(refresh, access)
	if err := w.kc.SetSecret(bg, w.account.ID, backend.SecretAccessToken, access); err != nil {
		t.Fatal(err)
	}
	if err := w.kc.SetSecret(bg, w.account.ID, backend.SecretRefreshToken, refresh); err != nil {
		t.Fatal(err)
	}
	cleanupSecrets(t, w.kc, w.account.ID)
	if err := w.store.Update(bg, func(tx backend.Tx) error {
		if err := tx.InsertClient(c); err != nil {
			return err
		}
		return tx.InsertAccount(w.account)
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *rotorWorld) refreshEvents(t *testing.T) []*backend.Event {
	var es []*backend.Event
	if err := w.store.View(bg, func(tx backend.Tx) (err error) {
		es, err = tx.Events(backend.EventFilter{AccountID: w.account.ID, Kind: backend.EventAccountRefreshed, Limit: 1000})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return es
}

// TestExactlyOnceRefresh: 50 goroutines and 4 other processes force a check
// of one account at the same moment; the platform sees exactly one renewal.
func TestExactlyOnceRefresh(t *testing.T) {
	w := newRotorWorld(t)
	w.fake.refreshLatency = 150 * time.Millisecond // everyone piles up behind the first
	const procs, goroutines = 4, 50

	var cmds []*exec.Cmd
	var stdins []io.WriteCloser
	var outs []*strings.Builder
	for range procs {
		cmd := childCmd(w.dir, w.fake.URL(), w.account.ID, "MONITOR_TEST_WAIT=1")
		in, _ := cmd.StdinPipe()
		pipe, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		rd := bufio.NewReader(pipe)
		if line, err := rd.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("child: %q %v", line, err)
		}
		out := &strings.Builder{}
		go func() { _, _ = io.Copy(out, rd) }()
		cmds, stdins, outs = append(cmds, cmd), append(stdins, in), append(outs, out)
	}
	// Two monitors in this process, as if the window and an embedded
	// command ran side by side: each shares its own in-flight checks, and
	// between them only the account lock keeps order.
	ms := []*Monitor{
		rotorMonitor(w.store, w.kc, w.dir, w.fake.URL(), time.Now),
		rotorMonitor(w.store, w.kc, w.dir, w.fake.URL(), time.Now),
	}
	for _, in := range stdins {
		_, _ = io.WriteString(in, "go\n")
	}
	var wg sync.WaitGroup
	results := make([]*Result, goroutines)
	errs := make([]error, goroutines)
	for i := range goroutines {
		wg.Go(func() { results[i], errs[i] = ms[i%2].Check(bg, w.account.ID, true) })
	}
	wg.Wait()
	refreshed := 0 // results that report a renewal (joined checks share one)
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if r.Verdict != VerdictValid {
			t.Errorf("goroutine %d: %+v", i, r)
		}
		if r.Refreshed {
			refreshed++
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
		var cr childResult
		if err := json.Unmarshal([]byte(strings.TrimSpace(outs[i].String())), &cr); err != nil || cr.Error != "" || cr.Verdict != VerdictValid {
			t.Fatalf("child %d said %q (%v)", i, outs[i].String(), err)
		}
		if cr.Refreshed {
			refreshed++
		}
	}
	issued, requests, validations, current := w.fake.stats()
	if requests != 1 || issued != 1 || refreshed == 0 {
		t.Fatalf("%d refresh requests, %d tokens issued (want exactly 1); %d results report the renewal", requests, issued, refreshed)
	}
	if validations < procs+2 || validations > procs+goroutines {
		t.Errorf("%d validations", validations)
	}
	t.Logf("1 renewal; %d validations for %d goroutines (joined checks share one) and %d processes", validations, goroutines, procs)
	if got := secret(t, w.kc, w.account.ID, backend.SecretRefreshToken); got != current {
		t.Error("the keychain does not hold the platform's current refresh token")
	}
	if n := len(w.refreshEvents(t)); n != 1 {
		t.Errorf("%d renewal events", n)
	}
}

// TestKillDuringRefresh kills a child with SIGKILL at random moments of a
// forced renewal against a platform that rotates refresh tokens, 40 times,
// and then checks that the account still works: the stored refresh token is
// accepted, a final check renews and validates, and the database is intact.
// Most kills are aimed at the moment the platform receives the renewal
// (plus 0-25 ms: its 5 ms answer, the two keychain writes, the database
// write); every fourth lands anywhere from the child's start.
func TestKillDuringRefresh(t *testing.T) {
	w := newRotorWorld(t)
	w.fake.refreshLatency = 5 * time.Millisecond
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	base := time.Now().UTC().Truncate(time.Millisecond)
	var early, lost, storedNoRow, completed int
	for i := range rounds {
		select {
		case <-w.fake.arrived:
		default:
		}
		issuedBefore, _, _, _ := w.fake.stats()
		now := base.Add(time.Duration(i+1) * 2 * time.Minute)
		cmd := childCmd(w.dir, w.fake.URL(), w.account.ID, "MONITOR_TEST_NOW="+now.Format(time.RFC3339Nano))
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if i%4 == 0 {
			time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
		} else {
			select {
			case <-w.fake.arrived:
				time.Sleep(time.Duration(rand.IntN(25000)) * time.Microsecond)
			case <-time.After(20 * time.Second):
				t.Fatalf("round %d: the child never asked for a renewal: %s", i, out.String())
			}
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		issued, _, _, current := w.fake.stats()
		stored := secret(t, w.kc, w.account.ID, backend.SecretRefreshToken)
		row := rowOf(t, w)
		switch {
		case issued == issuedBefore:
			early++
		case stored != current:
			lost++ // issued but never stored: saved by the reuse grace
		case row.LastRefreshedAt == nil || !row.LastRefreshedAt.Equal(now):
			storedNoRow++
		default:
			completed++
		}
		if !w.fake.accepts(stored) {
			t.Fatalf("round %d: the stored refresh token is no longer accepted; the account is lost", i)
		}
	}
	t.Logf("%d kills: %d before the platform issued a token, %d after it issued one that was never stored, "+
		"%d after storing it but before the database write, %d after completing", rounds, early, lost, storedNoRow, completed)
	if early == rounds {
		t.Fatal("no kill landed inside a renewal; the test proves nothing")
	}

	db, err := sql.Open("sqlite", filepath.Join(w.dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}

	// The account still works: a check renews with the stored refresh token
	// and validates the new access token.
	now := base.Add(time.Duration(rounds+2) * 2 * time.Minute)
	m := rotorMonitor(w.store, w.kc, w.dir, w.fake.URL(), func() time.Time { return now })
	r, err := m.Check(bg, w.account.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Refreshed || r.Verdict != VerdictValid || r.After != backend.StatusHealthy {
		t.Fatalf("final check: %+v", r)
	}
	_, _, _, current := w.fake.stats()
	if got := secret(t, w.kc, w.account.ID, backend.SecretRefreshToken); got != current {
		t.Fatal("after the final renewal the keychain does not hold the current refresh token")
	}
	if row := rowOf(t, w); row.Invalid || !row.HasRefreshToken || row.CheckFailures != 0 {
		t.Fatalf("account %+v", row)
	}
}

func rowOf(t *testing.T, w *rotorWorld) *backend.Account {
	var a *backend.Account
	if err := w.store.View(bg, func(tx backend.Tx) (err error) {
		a, err = tx.Account(w.account.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return a
}
