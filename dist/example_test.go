package dist_test

import (
	"fmt"

	"github.com/pypi-publish/pypi-publish/dist"
)

func ExampleParseWheelFilename() {
	w, err := dist.ParseWheelFilename("zebra_cake-2.0-1-cp312-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Name, w.Version, w.Build)
	fmt.Println(w.Python, w.ABI, w.Platform)

	_, err = dist.ParseWheelFilename("zebra_cake-2.0.whl")
	fmt.Println(err)
	// Output:
	// zebra_cake 2.0 1
	// [cp312] [abi3] [manylinux_2_17_x86_64 manylinux2014_x86_64]
	// invalid distribution filename "zebra_cake-2.0.whl": want 5 or 6 parts separated by '-', found 2
}

func ExampleParseSdistFilename() {
	name, version, err := dist.ParseSdistFilename("zebra_cake-2.0.0rc1.tar.gz")
	fmt.Println(name, version, err)
	// Output:
	// zebra_cake 2.0.0rc1 <nil>
}

func ExampleFind() {
	found, err := dist.Find([]string{"testdata/dists/"}, ".")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(found.Files[0].Filename, found.Files[0].Kind)
	// Output:
	// Demo.Pkg-1.0.0-py3-none-any.whl wheel
}

func ExampleRead() {
	d, err := dist.Read(dist.File{Path: "testdata/dists/demo_pkg-1.0.0.tar.gz", Filename: "demo_pkg-1.0.0.tar.gz", Kind: dist.Sdist})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name(), d.Version(), d.MetadataPath)
	fmt.Println(d.Metadata.All("Requires-Dist"))

	_, err = dist.Read(dist.File{Path: "testdata/dists/nometa2-1.0-py3-none-any.whl", Filename: "nometa2-1.0-py3-none-any.whl", Kind: dist.Wheel})
	fmt.Println(err)
	// Output:
	// demo-pkg 1.0.0 demo_pkg-1.0.0/PKG-INFO
	// [requests>=2; extra == 'http']
	// failed to read nometa2-1.0-py3-none-any.whl: no nometa2-1.0.dist-info/METADATA (nor any other *.dist-info/METADATA) in the wheel
}
