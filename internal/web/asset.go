package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

// assetSet serves static files under a content hash, so that browsers may
// cache them for a year and still never see a stale file after an update.
type assetSet struct {
	files map[string][]byte // by name
	hash  map[string]string // name -> short hash
}

func newAssetSet(fsys fs.FS) (*assetSet, error) {
	a := &assetSet{files: map[string][]byte{}, hash: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".go" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.files[p] = b
		a.hash[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return a, err
}

// url is the template function {{asset "style.css"}}.
func (a *assetSet) url(name string) string {
	return "/static/" + a.hash[name] + "/" + name
}

func (s *Server) serveStatic(c *fiber.Ctx) error {
	name := c.Params("*")
	b, ok := s.assets.files[name]
	if !ok {
		return fiber.ErrNotFound
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		c.Set(fiber.HeaderContentType, ct)
	}
	if c.Params("hash") == s.assets.hash[name] {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	}
	return c.Send(b)
}
