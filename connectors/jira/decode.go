package jira

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// fieldsDecoder reads an issue's fields object in one pass: a struct type
// made at run time holds the system fields of stdFields followed by one
// json.RawMessage per configured custom field, whose ids are only known once
// the field list is read. (Decoding into stdFields and again into a map
// scanned every issue twice.)
type fieldsDecoder struct {
	typ    reflect.Type
	nStd   int
	custom []string
}

var rawType = reflect.TypeOf(json.RawMessage(nil))

func newFieldsDecoder(custom []string) *fieldsDecoder {
	std := reflect.TypeOf(stdFields{})
	fields := make([]reflect.StructField, 0, std.NumField()+len(custom))
	for i := range std.NumField() {
		f := std.Field(i)
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
	}
	d := &fieldsDecoder{nStd: std.NumField()}
	for _, id := range custom {
		if id == "" || contains(systemFields, id) || contains(d.custom, id) {
			continue
		}
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("Custom%d", len(d.custom)),
			Type: rawType,
			Tag:  reflect.StructTag(fmt.Sprintf(`json:%q`, id)),
		})
		d.custom = append(d.custom, id)
	}
	d.typ = reflect.StructOf(fields)
	return d
}

// decode fills f with the system fields and returns the custom ones by id.
func (d *fieldsDecoder) decode(raw []byte, f *stdFields) (map[string]json.RawMessage, error) {
	v := reflect.New(d.typ)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		return nil, err
	}
	src, dst := v.Elem(), reflect.ValueOf(f).Elem()
	for i := range d.nStd {
		dst.Field(i).Set(src.Field(i))
	}
	custom := make(map[string]json.RawMessage, len(d.custom))
	for i, id := range d.custom {
		if b := src.Field(d.nStd + i).Bytes(); len(b) > 0 {
			custom[id] = b
		}
	}
	return custom, nil
}
