from lscp_cli.cli import main

main()
