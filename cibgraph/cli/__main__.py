from cibgraph.cli import main

main()
