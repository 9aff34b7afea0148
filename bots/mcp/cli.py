"""The `tandem mcp` command (registered by bots/cli.py)."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("mcp")
    def mcp(as_: str = typer.Option(..., "--as", help="Employee code or e-mail to act as."),
            write: bool = typer.Option(False, "--write", help="Offer the write tools too; the person still accepts "
                                       "each write in the client (default: read-only).")) -> None:
        """Serve Tandem to a local MCP client (Claude Desktop, VS Code, ...) over stdio, as one employee: the tools
        their role may use, customer briefs, report documents and prompts. Every call is audited (channel mcp)."""
        from bots.console import err_console, escape
        from bots.mcp.stdio import CannotServe, serve_stdio, stdio_binding

        try:
            binding = stdio_binding(as_, write=write)
        except CannotServe as exc:
            err_console.print(f"[bold red]Error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from None
        caller = binding.caller
        err_console.print(escape(f"Tandem MCP server on stdio as {caller.name} ({caller.role}, "
                                 f"{'writes confirmed by you' if caller.can_write else 'read-only'})."))
        serve_stdio(binding)
