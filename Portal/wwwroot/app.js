// Kept for small page helpers; Blazor and MudBlazor load their own scripts.
