package monitor

// BenchmarkSweep checks 1,000 and 10,000 accounts in one CheckMany against
// the local fake platform, which answers each check after 50 ms and allows
// 100 requests per second (429 beyond). Metadata is in a real SQLite file,
// tokens in the in-memory keychain. Run it once per size:
//
//	go test -run XXX -bench Sweep -benchtime 1x ./backend/monitor/
//
// The floor is max(N / rate, N × latency / concurrency): 10 s for 1,000
// accounts, 100 s for 10,000.

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func BenchmarkSweep(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) { benchSweep(b, n) })
	}
}

func benchSweep(b *testing.B, n int) {
	const (
		latency     = 50 * time.Millisecond
		rate        = 100.0
		concurrency = 8
	)
	fake := newRotatingProvider(b)
	fake.validateLatency, fake.rate, fake.burst = latency, rate, 10
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		store := openStore(b, dir)
		secrets := newMemSecrets()
		now := time.Now().UTC().Truncate(time.Millisecond)
		c := &backend.Client{ID: backend.NewID("cli"), Name: "Bench"}
		if err := store.Update(bg, func(tx backend.Tx) error {
			if err := tx.InsertClient(c); err != nil {
				return err
			}
			for j := range n {
				a := &backend.Account{ID: backend.NewID("acc"), ClientID: c.ID, Provider: "rotor", Label: fmt.Sprintf("Account %d", j),
					ConnectedAt: ptr(now.Add(-day)), ExpiresAt: ptr(now.Add(30 * day)), CreatedAt: now.Add(-day)}
				if err := tx.InsertAccount(a); err != nil {
					return err
				}
				token := randomToken("at")
				secrets.m[a.ID+"/"+string(backend.SecretAccessToken)] = token
				fake.seed("", token)
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		m := rotorMonitor(store, secrets, dir, fake.URL(), time.Now)
		m.Limits = Limits{Concurrency: concurrency, PerProvider: concurrency, Rate: map[string]float64{"rotor": rate}}
		fake.mu.Lock()
		fake.limited, fake.validateRequests = 0, 0
		fake.mu.Unlock()

		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peakHeap, peakSys uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peakHeap, peakSys = max(peakHeap, ms.HeapInuse), max(peakSys, ms.Sys)
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		})

		b.StartTimer()
		start := time.Now()
		results, err := m.CheckMany(bg, backend.AccountFilter{}, nil)
		elapsed := time.Since(start)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		valid := 0
		for _, r := range results {
			if r.Verdict == VerdictValid {
				valid++
			}
		}
		fake.mu.Lock()
		limited, requests := fake.limited, fake.validateRequests
		fake.mu.Unlock()
		if valid != n {
			b.Errorf("%d of %d accounts checked valid (%d answered 429)", valid, n, limited)
		}
		bound := max(time.Duration(float64(n)/rate*float64(time.Second)), time.Duration(n)*latency/concurrency)
		ratio := elapsed.Seconds() / bound.Seconds()
		mib := func(v uint64) float64 { return float64(v) / (1 << 20) }
		b.ReportMetric(elapsed.Seconds(), "s/sweep")
		b.ReportMetric(bound.Seconds(), "bound-s")
		b.ReportMetric(ratio, "x-bound")
		b.ReportMetric(mib(peakHeap), "peak-heap-MiB")
		b.ReportMetric(mib(peakSys), "peak-sys-MiB")
		b.ReportMetric(float64(limited), "429s")
		b.Logf("%d accounts: %v (bound %v = max(N/%.0f/s, N×%v/%d), ratio %.3f×); %d requests, %d answered 429; "+
			"heap in use %.1f MiB before, peak %.1f MiB; peak Sys %.1f MiB",
			n, elapsed.Round(time.Millisecond), bound, rate, latency, concurrency, ratio, requests, limited,
			mib(before.HeapInuse), mib(peakHeap), mib(peakSys))
	}
}
