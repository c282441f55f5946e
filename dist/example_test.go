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
