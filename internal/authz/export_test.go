package authz

// OnReload lets tests hear of every reload the watcher makes.
func (w *Watcher) OnReload(f func()) { w.reloaded = f }
