package reports

import (
	"net/url"
	"reflect"
	"strings"
)

// SafeURL returns u when it is an absolute http or https URL, without any
// user name or password in it; anything else (javascript:, data:,
// relative paths, unparseable text) gives "". Every URL a report renders
// or writes to report.json passes through it.
func SafeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	p.User = nil
	return p.String()
}

// safeURLs replaces, in place, every URL field reachable from v (a pointer
// to the report) by its SafeURL: string fields named URL or tagged
// json:"url" / "*_url", and "url" keys of string maps. It walks the model
// by reflection, so a field added to the model later is covered too.
func safeURLs(v any) {
	walkURLs(reflect.ValueOf(v), map[uintptr]bool{})
}

func walkURLs(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		walkURLs(v.Elem(), seen)
	case reflect.Interface:
		if !v.IsNil() {
			walkURLs(v.Elem(), seen)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := v.Field(i)
			if !t.Field(i).IsExported() {
				continue
			}
			if f.Kind() == reflect.String && isURLField(t.Field(i)) && f.CanSet() {
				f.SetString(SafeURL(f.String()))
				continue
			}
			walkURLs(f, seen)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkURLs(v.Index(i), seen)
		}
	case reflect.Map:
		walkMapURLs(v, seen)
	}
}

func walkMapURLs(v reflect.Value, seen map[uintptr]bool) {
	if v.IsNil() || v.Type().Key().Kind() != reflect.String {
		return
	}
	for _, k := range v.MapKeys() {
		e := v.MapIndex(k)
		if s, ok := e.Interface().(string); ok && isURLName(k.String()) {
			v.SetMapIndex(k, reflect.ValueOf(SafeURL(s)).Convert(v.Type().Elem()))
			continue
		}
		walkURLs(e, seen) // map values are not addressable: pointers and slices inside still are
	}
}

func isURLField(f reflect.StructField) bool {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return f.Name == "URL" || strings.HasSuffix(f.Name, "URL") || isURLName(name)
}

func isURLName(name string) bool { return name == "url" || strings.HasSuffix(name, "_url") }
