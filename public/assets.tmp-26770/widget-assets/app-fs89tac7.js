var s=/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,i=/\b\d(?:[ -]?\d){12,18}\b/g;function a(o){let e=o.replace(/\D/g,""),l=0;for(let n=0;n<e.length;n++){let t=Number(e[e.length-1-n])*(n%2===1?2:1);l+=t>9?t-9:t}return e.length>=13&&l%10===0}function r(o,e,l){let n=e.emails?o.replace(s,l):o;if(e.cards)n=n.replace(i,(t)=>a(t)?l(t):t);return n}
export{r};
