package publishtest_test

import (
	"fmt"
	"net"
	"net/http"

	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// ExampleNew starts a fake PyPI on a listener of one's own, scripts a fault
// for one file, and reads the simple API.
func ExampleNew() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := publishtest.New(publishtest.WithListener(l))
	defer s.Close()

	// The first attempt at this file gets 503, the second is processed.
	s.Script("demo_pkg-1.0-py3-none-any.whl", publishtest.Unavailable())
	s.Seed("demo-pkg", "0.9", "demo_pkg-0.9.tar.gz", []byte("old sdist"))

	req, _ := http.NewRequest(http.MethodGet, s.SimpleURL()+"demo-pkg/", nil)
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(s.URL() == "http://"+l.Addr().String(), s.UploadURL() == s.URL()+"/legacy/")
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	// Output:
	// true true
	// 200 application/vnd.pypi.simple.v1+json
}
