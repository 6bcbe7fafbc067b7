package analysis_test

import (
	"context"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
)

func TestPrepareOnEmptyStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := analysis.Prepare(ctx, st.DB(), &analysis.Env{}); err != nil {
		t.Fatal(err)
	}
	for _, d := range analysis.DerivedFacts() {
		if _, err := st.DB().Exec("SELECT * FROM " + d.Name + " LIMIT 1"); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
}
