package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
	"github.com/tokenwarden/tokenwarden/backend/wire"
)

// benchCLIEnv makes this test binary run the command line instead of the
// tests: the status benchmark measures "status --json" as its own process,
// wired as main wires it but without the desktop stack (GTK and WebKit), as
// the command-line build will be.
const benchCLIEnv = "TOKENWARDEN_BENCH_CLI"

func TestMain(m *testing.M) {
	if dir := os.Getenv(benchCLIEnv); dir != "" {
		env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, DataDir: dir}
		var db *sqlite.DB
		env.Service = func() (*accounts.Service, error) {
			s, d, _, err := wire.Open(dir)
			db = d
			return s, err
		}
		code := Run(context.Background(), env, os.Args[1:])
		if db != nil {
			db.Close()
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// BenchmarkStatus runs "status --json" as a process over 100, 1,000 and
// 10,000 accounts, beside sqlite3 printing the same rows as JSON, and prints
// the median wall time and peak memory (max RSS) of each, their ratio, and
// the cost per account at each size (flat means linear growth). Targets at
// 1,000 accounts: at most 2x sqlite3's time and 20 MiB. Data folders are
// cached in the temp folder. The work runs a fixed number of times whatever
// b.N is; ns/op means nothing here.
//
//	go test -run XXX -bench Status -benchtime 1x ./backend/cli/
func BenchmarkStatus(b *testing.B) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("sqlite3 is not installed")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		b.Skip("GNU time is not installed")
	}
	const runs = 15
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	floor := measureProcess(b, runs, func() *exec.Cmd {
		c := exec.Command(self, "version")
		c.Env = append(os.Environ(), benchCLIEnv+"="+b.TempDir())
		return c
	}, false)
	fmt.Printf("status: the command line's floor (\"version\", no data opened): %.1f ms wall, %.0f ms CPU, %.1f MiB max RSS\n", ms(floor.wall), ms(floor.cpu), mib(floor.rss))
	var perAccount []float64
	for _, n := range []int{100, 1000, 10000} {
		dir := statusDataDir(b, n)
		ours := measureProcess(b, runs, func() *exec.Cmd {
			c := exec.Command(self, "status", "--json")
			c.Env = append(os.Environ(), benchCLIEnv+"="+dir)
			return c
		}, true)
		ref := measureProcess(b, runs, func() *exec.Cmd {
			return exec.Command(sqlite3, "-json", "-readonly", filepath.Join(dir, "tokenwarden.db"),
				"SELECT a.*, c.name AS client FROM accounts a JOIN clients c ON c.id = a.client_id")
		}, false)
		perAccount = append(perAccount, float64(ours.wall.Microseconds())/float64(n))
		fmt.Printf("status --json, %d accounts: %.1f ms wall, %.0f ms CPU, %.1f MiB max RSS; sqlite3 same rows %.1f ms wall, %.0f ms CPU, %.1f MiB; wall ratio %.2f (target <= 2 at 1,000); memory %.1f MiB (target <= 20); %.1f us wall per account\n",
			n, ms(ours.wall), ms(ours.cpu), mib(ours.rss), ms(ref.wall), ms(ref.cpu), mib(ref.rss), float64(ours.wall)/float64(ref.wall), mib(ours.rss), perAccount[len(perAccount)-1])
		b.ReportMetric(ms(ours.wall), fmt.Sprintf("ms-%d", n))
		b.ReportMetric(mib(ours.rss), fmt.Sprintf("MiB-%d", n))
		b.ReportMetric(float64(ours.wall)/float64(ref.wall), fmt.Sprintf("ratio-%d", n))
	}
	fmt.Printf("status --json growth: cost per account %.1f / %.1f / %.1f us at 100 / 1,000 / 10,000 accounts (10,000 vs 1,000: %.2fx per account; <= 1 is linear or better)\n",
		perAccount[0], perAccount[1], perAccount[2], perAccount[2]/perAccount[1])
	b.ReportMetric(0, "ns/op")
	for range b.N {
	}
}

type processCost struct {
	wall time.Duration
	cpu  time.Duration // user + system: steadier than wall time on a loaded machine
	rss  int64         // bytes
}

// measureProcess runs the command runs times after one warm-up and returns
// the median wall time, CPU time and peak resident memory.
func measureProcess(b *testing.B, runs int, cmd func() *exec.Cmd, wantJSON bool) processCost {
	b.Helper()
	var walls, cpus []time.Duration
	var rsss []int64
	for i := range runs + 1 {
		c := cmd()
		// GNU time reports the peak memory of its own child: the kernel
		// counts a child forked by this test process from this process's
		// peak on, across exec, so wait4's figure here would be ours.
		c.Args = append([]string{"/usr/bin/time", "-f", "maxrss-kib=%M cpu-s=%U+%S"}, c.Args...)
		c.Path = "/usr/bin/time"
		var out, errOut bytes.Buffer
		c.Stdout, c.Stderr = &out, &errOut
		t0 := time.Now()
		err := c.Run()
		wall := time.Since(t0)
		if code := c.ProcessState.ExitCode(); err != nil && code != ExitAttention {
			b.Fatalf("%v: %v\n%s", c.Args, err, errOut.String())
		}
		if wantJSON && !bytes.HasPrefix(out.Bytes(), []byte("[")) {
			b.Fatalf("%v printed %.200q", c.Args, out.String())
		}
		if i == 0 {
			continue // warm-up: file cache
		}
		walls = append(walls, wall)
		rss, cpu := timeReport(b, errOut.Bytes())
		rsss, cpus = append(rsss, rss), append(cpus, cpu)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	slices.Sort(rsss)
	return processCost{wall: walls[len(walls)/2], cpu: cpus[len(cpus)/2], rss: rsss[len(rsss)/2]}
}

// timeReport reads GNU time's report (the last line of standard error):
// peak memory and CPU time (user + system, 10 ms resolution).
func timeReport(b *testing.B, stderr []byte) (int64, time.Duration) {
	b.Helper()
	lines := bytes.Split(bytes.TrimSpace(stderr), []byte("\n"))
	var kib int64
	var user, sys float64
	if _, err := fmt.Sscanf(string(lines[len(lines)-1]), "maxrss-kib=%d cpu-s=%f+%f", &kib, &user, &sys); err != nil {
		b.Fatalf("no peak memory in %q", stderr)
	}
	return kib * 1024, time.Duration((user + sys) * float64(time.Second))
}

// statusDataDir returns a data folder with n accounts (and 20 events each),
// cached in the temp folder under a name holding the schema.
func statusDataDir(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("tokenwarden-bench-status-schema%d-%d", sqlite.SchemaVersion(), n))
	if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	_, db, _, err := wire.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Seed(context.Background(), sqlite.SeedOptions{Accounts: n, Events: 20 * n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600); err != nil {
		b.Fatal(err)
	}
	return dir
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(n int64) float64         { return float64(n) / (1 << 20) }
