module github.com/pypi-publish/pypi-publish

go 1.26.8
