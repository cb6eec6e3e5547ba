// Command celcost measures what a CRD's x-kubernetes-validations cost kube-apiserver per status
// write (docs/benchmarks.md, "Spec rules at admission"): the CEL validator of
// k8s.io/apiextensions-apiserver, as the status strategy runs it (the whole object, ratcheting
// on), over one object whose status is written, N times; it prints the CPU time and the garbage
// per write, for the whole CRD and, with -per-rule, for each rule alone.
//
//	go run . [-per-rule] [-n 20000] CRD.yaml OBJECT.json
//
// The project's CRD carries no rules any more (they are a ValidatingAdmissionPolicy); the one
// that did: git show bb0a12d:crds/procservices.hero.ourworld.tf-v1.yml > /tmp/crd-with-rules.yml
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model"
	"k8s.io/apimachinery/pkg/util/json"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/common"
	"sigs.k8s.io/yaml"
)

func main() {
	perRule := flag.Bool("per-rule", false, "also measure each rule alone")
	n := flag.Int("n", 20000, "writes to measure")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: celcost [-per-rule] [-n N] CRD.yaml OBJECT.json")
		os.Exit(2)
	}
	raw, err := os.ReadFile(flag.Arg(0))
	check(err)
	objRaw, err := os.ReadFile(flag.Arg(1))
	check(err)
	// the API server decodes integers as int64 (util/json), as here
	var obj, old map[string]interface{}
	check(json.Unmarshal(objRaw, &obj))
	check(json.Unmarshal(objRaw, &old))
	delete(old, "status") // the first status write: nothing there before

	measure("all rules", schema(raw), obj, old, *n)
	if *perRule {
		for _, r := range rules(schema(raw), "") {
			root := schema(raw)
			keepOnly(root, "", r.at)
			measure(r.at+": "+r.rule, root, obj, old, *n)
		}
	}
}

func schema(raw []byte) *apiextensionsv1.JSONSchemaProps {
	var crd apiextensionsv1.CustomResourceDefinition
	check(yaml.Unmarshal(raw, &crd))
	return crd.Spec.Versions[0].Schema.OpenAPIV3Schema
}

type rule struct{ at, rule string }

// rules lists every rule as path#index.
func rules(p *apiextensionsv1.JSONSchemaProps, path string) []rule {
	var out []rule
	for i, r := range p.XValidations {
		out = append(out, rule{fmt.Sprintf("%s#%d", path, i), r.Rule})
	}
	for name, child := range p.Properties {
		c := child
		out = append(out, rules(&c, path+"."+name)...)
	}
	if p.Items != nil && p.Items.Schema != nil {
		out = append(out, rules(p.Items.Schema, path+"[]")...)
	}
	return out
}

// keepOnly removes every rule but the one at keep (path#index).
func keepOnly(p *apiextensionsv1.JSONSchemaProps, path, keep string) {
	var kept apiextensionsv1.ValidationRules
	for i, r := range p.XValidations {
		if fmt.Sprintf("%s#%d", path, i) == keep {
			kept = append(kept, r)
		}
	}
	p.XValidations = kept
	for name, child := range p.Properties {
		c := child
		keepOnly(&c, path+"."+name, keep)
		p.Properties[name] = c
	}
	if p.Items != nil && p.Items.Schema != nil {
		keepOnly(p.Items.Schema, path+"[]", keep)
	}
}

func measure(label string, root *apiextensionsv1.JSONSchemaProps, obj, old map[string]interface{}, n int) {
	var internal apiextensions.JSONSchemaProps
	check(apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(root, &internal, nil))
	s, err := structuralschema.NewStructural(&internal)
	check(err)
	v := cel.NewValidator(s, true, celconfig.PerCallLimit)
	ctx := context.Background()
	run := func(n int) {
		for i := 0; i < n; i++ {
			if v == nil {
				continue // no rule anywhere: the API server runs no CEL at all
			}
			corr := common.NewCorrelatedObject(obj, old, &model.Structural{Structural: s})
			if errs, _ := v.Validate(ctx, nil, s, obj, old, celconfig.RuntimeCELCostBudget, cel.WithRatcheting(corr)); len(errs) > 0 {
				fmt.Fprintln(os.Stderr, "the object breaks a rule:", errs)
				os.Exit(1)
			}
		}
	}
	run(n / 10)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t := time.Now()
	run(n)
	el := time.Since(t)
	runtime.ReadMemStats(&m1)
	fmt.Printf("%8.1f us/write %8.1f KB/write  %s\n", float64(el.Nanoseconds())/1e3/float64(n),
		float64(m1.TotalAlloc-m0.TotalAlloc)/float64(n)/1024, strings.TrimSpace(label))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
