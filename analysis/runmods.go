package analysis

import (
	"context"
	"sync"
	"time"
)

// moduleWorkers is how many modules run at once. Each module is a few
// queries of 20-300 ms that leave DuckDB's threads idle between and
// within them (a window's modules kept 2 cores about 1.5 busy), so two
// at a time fill the machine better; the modules only read the prepared
// facts, each on a connection of its own.
const moduleWorkers = 2

// moduleRun is one module's result over a window and how long it took.
type moduleRun struct {
	res  Result
	err  error
	took time.Duration
}

// runModules runs mods over env's window, moduleWorkers at a time, and
// returns their runs in the order of mods. The modules read env and
// never write it.
func runModules(ctx context.Context, env *Env, mods []Module) []moduleRun {
	runs := make([]moduleRun, len(mods))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(moduleWorkers, len(mods)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				res, err := mods[i].Run(ctx, env)
				runs[i] = moduleRun{res: res, err: err, took: time.Since(t0)}
			}
		}()
	}
	for i := range mods {
		next <- i
	}
	close(next)
	wg.Wait()
	return runs
}
