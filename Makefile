# The two commands a newcomer needs (see README):
#   make demo   the portal with demo content on http://127.0.0.1:5000
#   make test   the whole test suite on the real stack
.PHONY: demo test stop status install bench backup

demo:
	bin/demo

test:
	bin/test

stop:
	bin/portal stop
	bin/services stop

status:
	@bin/services status
	@bin/portal status

install:
	bin/install

# A backup of the demo site into var/backups/ (bin/restore DIRECTORY restores it)
backup:
	bin/backup
