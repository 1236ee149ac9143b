from onpoint_desktop.cli import main

raise SystemExit(main())
