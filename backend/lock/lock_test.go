package lock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a helper process: with LOCK_TEST_CHILD set it
// runs the named role instead of the tests.
func TestMain(m *testing.M) {
	switch os.Getenv("LOCK_TEST_CHILD") {
	case "hold":
		childHold()
	case "count":
		childCount()
	default:
		os.Exit(m.Run())
	}
}

// childHold takes the lock, says so, and keeps it until killed.
func childHold() {
	unlock, err := Lock(context.Background(), os.Getenv("LOCK_TEST_DIR"), "acc_child")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	defer unlock()
	fmt.Println("locked")
	time.Sleep(time.Hour) // not select{}: without other goroutines that is a fatal deadlock
}

// childCount increments a counter file n times under the lock: read, pause,
// write. Without mutual exclusion, increments get lost.
func childCount() {
	dir := os.Getenv("LOCK_TEST_DIR")
	n, _ := strconv.Atoi(os.Getenv("LOCK_TEST_N"))
	for range n {
		if err := increment(dir); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
	}
	os.Exit(0)
}

func increment(dir string) error {
	unlock, err := Lock(context.Background(), dir, "counter")
	if err != nil {
		return err
	}
	defer unlock()
	path := filepath.Join(dir, "counter.txt")
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	v, _ := strconv.Atoi(string(b))
	time.Sleep(100 * time.Microsecond)
	return os.WriteFile(path, []byte(strconv.Itoa(v+1)), 0o600)
}

func child(t *testing.T, role, dir string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"LOCK_TEST_CHILD=" + role, "LOCK_TEST_DIR=" + dir}, env...)...)
	return cmd
}

func TestLockSerializesGoroutines(t *testing.T) {
	dir := t.TempDir()
	var inside, peak atomic.Int32
	counter := 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 25 {
				unlock, err := Lock(context.Background(), dir, "acc_same")
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				if n > peak.Load() {
					peak.Store(n)
				}
				counter++ // the race detector checks that the lock orders this
				inside.Add(-1)
				unlock()
			}
		})
	}
	wg.Wait()
	if counter != 500 || peak.Load() != 1 {
		t.Fatalf("counter = %d (want 500), peak holders = %d (want 1)", counter, peak.Load())
	}
	if len(local.slots) != 0 {
		t.Errorf("%d in-process slots left behind", len(local.slots))
	}
	if _, err := os.Stat(filepath.Join(dir, Dir, "acc_same.lock")); err != nil {
		t.Errorf("lock file: %v", err)
	}
}

func TestDifferentNamesDoNotBlock(t *testing.T) {
	dir := t.TempDir()
	u1, err := Lock(context.Background(), dir, "acc_one")
	if err != nil {
		t.Fatal(err)
	}
	defer u1()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	u2, err := Lock(ctx, dir, "acc_two")
	if err != nil {
		t.Fatalf("a different name waited: %v", err)
	}
	u2()
}

func TestLockHonoursContext(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(context.Background(), dir, "acc_busy")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Lock(ctx, dir, "acc_busy"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("gave up after %v", d)
	}
	unlock()
	unlock() // twice is harmless
	u, err := Lock(context.Background(), dir, "acc_busy")
	if err != nil {
		t.Fatalf("after the waiter gave up: %v", err)
	}
	u()
}

func TestInvalidNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"", ".hidden", "a/b", `a\b`, "..", "a b", "acc\x00", string(make([]byte, 101))} {
		if _, err := Lock(context.Background(), dir, name); err == nil {
			t.Errorf("Lock(%q) succeeded", name)
		}
	}
	if _, err := Lock(context.Background(), "", "acc_x"); err == nil {
		t.Error("Lock without a data folder succeeded")
	}
}

// TestLockAcrossProcesses: a lock held by another process blocks us until
// that process is killed with SIGKILL; the kernel then releases it.
func TestLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	cmd := child(t, "hold", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v", line, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, dir, "acc_child"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got the lock another process holds: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	start := time.Now()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	unlock, err := Lock(ctx2, dir, "acc_child")
	if err != nil {
		t.Fatalf("lock not released by kill -9: %v", err)
	}
	unlock()
	t.Logf("taken %v after the holder was killed", time.Since(start))
}

// TestMutualExclusionAcrossProcesses: processes and goroutines increment a
// counter file under the lock; no increment is lost.
func TestMutualExclusionAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	const procs, perProc, goroutines = 3, 40, 4
	var cmds []*exec.Cmd
	for range procs {
		cmd := child(t, "count", dir, "LOCK_TEST_N="+strconv.Itoa(perProc))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perProc {
				if err := increment(dir); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "counter.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa((procs + goroutines) * perProc); string(b) != want {
		t.Fatalf("counter = %s, want %s: increments were lost", b, want)
	}
}

func TestForget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Dir, "acc_gone.lock")
	if err := Forget(context.Background(), dir, "acc_gone"); err != nil {
		t.Fatalf("Forget of a lock never taken: %v", err)
	}
	unlock, err := Lock(context.Background(), dir, "acc_gone")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- Forget(context.Background(), dir, "acc_gone") }()
	select {
	case err := <-done:
		t.Fatalf("Forget did not wait for the holder: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("lock file still there: %v", err)
	}
	u, err := Lock(context.Background(), dir, "acc_gone")
	if err != nil {
		t.Fatal(err)
	}
	u()
}

// TestLockFileReplacedWhileWaiting: a waiter that locked a file Forget has
// just removed notices and locks the new file instead.
func TestLockFileReplacedWhileWaiting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Dir, "acc_swap.lock")
	unlock, err := Lock(context.Background(), dir, "acc_swap")
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	// Remove the file behind the holder's back, as Forget in another process
	// would, then release: the next Lock must use a file at the path.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	unlock()
	u, err := Lock(context.Background(), dir, "acc_swap")
	if err != nil {
		t.Fatal(err)
	}
	defer u()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no lock file at the path: %v", err)
	}
	ost, _ := old.Stat()
	if os.SameFile(st, ost) {
		t.Fatal("locked the removed file")
	}
}
