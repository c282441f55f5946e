package attest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// errSymlink is the cause of an attestation file refused because its path
// is a symbolic link.
var errSymlink = errors.New("it is a symbolic link; attestation files must be regular files, so it is neither read nor written through")

// notSymlink returns an error when path exists and is a symbolic link
// (or anything but a regular file); a missing path is fine.
func notSymlink(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return errSymlink
	case !fi.Mode().IsRegular():
		return fmt.Errorf("it is not a regular file (%s)", fi.Mode().Type())
	}
	return nil
}

// readRegular reads path unless it is a symbolic link or not a regular
// file.
func readRegular(path string) ([]byte, error) {
	if err := notSymlink(path); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// writeNew writes b to path without following symbolic links: it refuses
// a path that is a symbolic link, writes a new temporary file next to it
// (created exclusively, never through a link: O_EXCL, and O_NOFOLLOW where
// the system has it), then renames it over path, which replaces a link
// that appeared meanwhile instead of following it.
func writeNew(path string, b []byte) (err error) {
	if err := notSymlink(path); err != nil {
		return err
	}
	var rnd [8]byte
	rand.Read(rnd[:]) // never fails (crypto/rand, Go 1.24+)
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+hex.EncodeToString(rnd[:])+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
