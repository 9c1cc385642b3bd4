package authz

import (
	"reflect"
	"testing"
)

// cacheable must look at every attribute of Object: a field added later
// and forgotten there would let one object's answer stand for another's.
func TestCacheableLooksAtEveryObjectField(t *testing.T) {
	o := reflect.TypeOf(Object{})
	for i := 0; i < o.NumField(); i++ {
		f := o.Field(i)
		if f.Name == "Kind" || f.Name == "OrgID" { // part of the key
			continue
		}
		obj := Object{Kind: "order"}
		v := reflect.ValueOf(&obj).Elem().Field(i)
		switch v.Kind() {
		case reflect.Int64:
			v.SetInt(7)
		case reflect.String:
			v.SetString("x")
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		default:
			t.Fatalf("field %s of kind %s: teach this test and cacheable about it", f.Name, v.Kind())
		}
		if cacheable(Subject{UserID: 1}, obj) {
			t.Errorf("an object with %s set is cached as if kind-level", f.Name)
		}
	}
	limit := int64(-1)
	if cacheable(Subject{UserID: 1, LimitCents: &limit}, On("order")) {
		t.Error("a negative approval limit makes within_limit refuse; such answers must not be cached")
	}
	if !cacheable(Subject{UserID: 1}, AcrossOrgs("order")) {
		t.Error("AcrossOrgs is a kind-level question")
	}
}
