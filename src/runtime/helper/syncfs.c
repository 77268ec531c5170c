/*
 * strata-helper: the `syncfs FD` query — syncfs(2) on a descriptor the caller opened and handed
 * over (a directory in the store's staging), which Node.js has no binding for. One call puts every
 * file of a layer on the disk before the layer is published, where an fsync of each of its
 * thousands of files would cost several times the import (docs/ARCHITECTURE.md, "The store").
 */
#include <unistd.h>

#include "helper.h"

void op_syncfs(const struct op *op)
{
	if (syncfs(op->u.syncfs.fd) < 0) die_errno(op->name, "on descriptor %d", op->u.syncfs.fd);
}
